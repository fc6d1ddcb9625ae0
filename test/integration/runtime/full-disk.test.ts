/**
 * A full disk when a script's outcome arrives: the store refuses it (a real
 * SQLite file that may not grow), the runtime says so and keeps the
 * container; the next start on room enough collects the outcome, once.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openConnection } from '../../../src/adapters/sqlite/connection.js';
import { SqliteStore } from '../../../src/adapters/sqlite/sqlite-store.js';
import { deployModelFile, openRuntime } from '../../../src/cli/open-runtime.js';
import { loadConfig } from '../../../src/config/config.js';
import { loadModelFile } from '../../../src/gitops/discover.js';
import type { RuntimeActivity } from '../../../src/runtime/activity.js';
import type { Runtime } from '../../../src/runtime/runtime.js';
import { bpmnXml, script } from '../../support/bpmn.js';
import { dockerAvailable } from '../docker-available.js';
import { Pipeline } from './harness.js';

let docker = false;
beforeAll(async () => {
  docker = await dockerAvailable();
});

const runtimes: Runtime[] = [];
let files: Pipeline | undefined;
afterEach(async () => {
  for (const r of runtimes.splice(0)) {
    r.stop();
    // A failed assertion may leave the job's container: it goes with the test.
    for (const job of r.store.listJobs({})) await r.options.runner.release(job.id).catch(() => undefined);
    r.store.close();
  }
  files?.close();
});

function until(runtime: Runtime, what: (a: RuntimeActivity) => boolean): Promise<RuntimeActivity> {
  return new Promise((resolve) => {
    const off = runtime.onActivity((a) => {
      if (!what(a)) return;
      off();
      resolve(a);
    });
  });
}

describe('a full disk when an outcome arrives', () => {
  it('keeps the container, says so, and the next start collects the outcome without running the script again', async ({ skip }) => {
    if (!docker) skip();
    files = new Pipeline().write(
      'big.bpmn',
      bpmnXml('big', [
        { id: 'start', tag: 'startEvent' },
        // Counts its runs in the workspace, waits for the test to fill the disk, then reports 300 kB.
        script('work', 'bash', 'echo run >> /workspace/runs; sleep 2; printf \'{"blob": "%s"}\' "$(head -c 300000 /dev/zero | tr "\\0" x)" > "$PIPELANE_OUTPUT"'),
        { id: 'end', tag: 'endEvent' },
      ], [['start', 'work'], ['work', 'end']]),
    );
    const model = await loadModelFile(files.repoDir, 'big.bpmn');
    const config = loadConfig({ dataDir: files.dataDir }, {});
    const db = openConnection(files.dataDir);
    const first = openRuntime(config, new SqliteStore(db));
    runtimes.push(first);
    deployModelFile(first.store, files.repoDir, model, Date.now());
    const activity: RuntimeActivity[] = [];
    first.onActivity((a) => activity.push(a));

    const started = until(first, (a) => a.kind === 'jobStarted');
    const id = first.start({ processId: 'big', variables: {}, actor: 'test' });
    await started;
    // From now on the file may not grow: storing the 300 kB outcome fails as on a full disk.
    db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true }) as number}`);
    const warning = await until(first, (a) => a.kind === 'warning');
    expect(warning).toMatchObject({ instanceId: id, message: expect.stringMatching(/could not be stored.*full.*next start collects it/s) });
    expect(first.store.getInstance(id)?.status).toBe('running');
    expect(first.store.listJobs({ state: 'running' })).toHaveLength(1);
    // Other test files run containers on the same engine meanwhile: look for this job's only.
    expect(await first.options.runner.containers()).toContain(first.store.listJobs({ state: 'running' })[0]!.id);
    first.stop();
    first.store.close();
    runtimes.splice(0);

    // Room again: the next start re-attaches to the exited container and stores its outcome.
    const second = openRuntime(config);
    runtimes.push(second);
    const ended = until(second, (a) => a.kind === 'instanceEnded');
    await second.recover();
    expect(await ended).toMatchObject({ instanceId: id, status: 'completed' });
    const instance = second.store.getInstance(id)!;
    expect((instance.state.variables['blob'] as string).length).toBe(300_000);
    expect(readFileSync(join(files.dataDir, 'workspaces', id, 'runs'), 'utf8')).toBe('run\n');
    await second.jobs.settled();
    expect(await second.options.runner.containers()).not.toContain(second.store.listJobs({})[0]?.id);
  });
});
