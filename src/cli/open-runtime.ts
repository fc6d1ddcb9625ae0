import { join } from 'node:path';
import { DockerContainerRunner } from '../adapters/docker/index.js';
import { openSqliteStore } from '../adapters/sqlite/index.js';
import { lockDataDir } from '../adapters/data-dir-lock.js';
import { systemClock } from '../adapters/system-clock.js';
import type { CompiledConfig } from '../config/config.js';
import type { ModelFile } from '../gitops/discover.js';
import type { DeploymentRecord, Store } from '../ports/store.js';
import { JobLogStore } from '../runtime/job-logs.js';
import { Runtime, type RuntimeOptions } from '../runtime/runtime.js';

/**
 * The composition root: the runtime on the embedded defaults (SQLite, the
 * local Docker engine). It takes the data directory's lock: one process
 * applies its commands.
 */
export function openRuntime(config: CompiledConfig, store: Store = openSqliteStore(config.dataDir)): Runtime {
  lockDataDir(config.dataDir, process.argv.slice(2, 3).join(' ') || 'pipelane');
  return new Runtime({
    store,
    runner: new DockerContainerRunner(config.dockerHost ? { dockerHost: config.dockerHost } : {}),
    clock: systemClock,
    logs: new JobLogStore({ dir: join(config.dataDir, 'logs') }),
    workspacesDir: join(config.dataDir, 'workspaces'),
    concurrency: config.concurrency,
    secrets: config.secrets,
    ...(config.testCrashAfterCommit ? crashHook(config.testCrashAfterCommit) : {}),
  });
}

/** The test hook of PIPELANE_TEST_CRASH_AFTER_COMMIT (see config.ts): dies like `kill -9` would. */
function crashHook(spec: string): Pick<RuntimeOptions, 'beforeApply' | 'beforeStoringOutcome'> {
  const [type, elementId] = spec.split(/:(.*)/s);
  const crash = (element: string | undefined) => {
    if (!elementId || element === elementId) process.kill(process.pid, 'SIGKILL');
  };
  if (type === 'jobOutcome') return { beforeStoringOutcome: (job) => crash(job.elementId) };
  return {
    beforeApply: ({ command }) => {
      if (command.type === type) crash('elementId' in command ? command.elementId : undefined);
    },
  };
}

/**
 * Deploys a loaded model file as the active version of its file: the same
 * content keeps its version id; other versions of the file stop taking new
 * starts (their running instances finish).
 */
export function deployModelFile(store: Store, repoDir: string, file: ModelFile, at: number, commit?: string): DeploymentRecord {
  if (!file.model) throw new Error(`${file.file} has errors and cannot be deployed`);
  const id = `${file.file}@${file.hash.slice(0, 12)}`;
  const existing = store.getDeployment(id);
  store.transaction(() => {
    for (const other of store.listDeployments({ activeOnly: true })) {
      if (other.file === file.file && other.id !== id) store.setDeploymentActive(other.id, false);
    }
    if (existing) store.setDeploymentActive(id, true);
    else {
      store.putDeployment({
        id, file: file.file, hash: file.hash, ...(commit ? { commit } : {}), processIds: Object.keys(file.model!.processes),
        model: file.model!, ...(file.sidecar ? { sidecar: file.sidecar } : {}), repoDir, deployedAt: at, active: true,
      });
    }
  });
  return store.getDeployment(id)!;
}
