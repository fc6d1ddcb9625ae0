/**
 * A BPMN timer start event, followed from a repository and fired through the
 * real runtime: each fire starts an instance at that start event, as
 * `schedule:<file>#<event id>`.
 */
import { afterEach, expect, it } from 'vitest';
import { openRuntime } from '../../../src/cli/open-runtime.js';
import { loadConfig } from '../../../src/config/config.js';
import type { Runtime } from '../../../src/runtime/runtime.js';
import { GitFixture, timerStartModel } from './fixtures.js';
import { GitOpsWorld, waitFor } from './world.js';

let repo: GitFixture | undefined;
let world: GitOpsWorld | undefined;
let runtime: Runtime | undefined;
afterEach(async () => {
  runtime?.stop();
  await world?.close();
  repo?.dispose();
});

it('fires a timeCycle timer start event every second through the runtime', async () => {
  repo = new GitFixture();
  repo.write('tick.bpmn', timerStartModel('ticker', 'R/PT1S')).commit('add');
  world = new GitOpsWorld();
  runtime = openRuntime(loadConfig({ dataDir: world.dataDir }, {}), world.store);
  const ops = await world.open({ repo: repo.url, starter: runtime });
  await ops.start();
  expect(ops.schedules()).toMatchObject([{ id: 'tick.bpmn#tick', source: 'timerStartEvent', startEventId: 'tick', overlap: 'allow', catchUp: 'last' }]);
  const done = await waitFor('two completed instances', () => {
    const items = world!.store.listInstances({ processId: 'ticker', limit: 10 }).items.filter((i) => i.status === 'completed');
    return items.length >= 2 ? items : undefined;
  }, 5_000);
  const history = world.store.listHistory(done[0]!.id);
  expect(history[0]).toMatchObject({ type: 'start', actor: 'schedule:tick.bpmn#tick' });
});
