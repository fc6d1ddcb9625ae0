/** Builders for the Docker integration tests: a temporary repository and workspace, and a job in them. */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { DockerContainerRunner } from '../../../src/adapters/docker/docker-runner.js';
import { DEFAULT_IMAGE } from '../../../src/model/task-runtime.js';
import type { LogLine, ScriptJob, ScriptLanguage } from '../../../src/ports/container-runner.js';
import { dockerHost } from '../docker-available.js';

export interface Sandbox {
  root: string;
  repoDir: string;
  workspaceDir: string;
  runner: DockerContainerRunner;
  job(language: ScriptLanguage, script: string | { path: string }, overrides?: Partial<ScriptJob>): ScriptJob;
  writeRepoFile(path: string, text: string): Promise<void>;
  dispose(): Promise<void>;
}

let counter = 0;

export async function sandbox(): Promise<Sandbox> {
  const root = await mkdtemp(join(tmpdir(), 'pipelane-docker-'));
  const repoDir = join(root, 'repo');
  const workspaceDir = join(root, 'workspace');
  await mkdir(repoDir, { recursive: true });
  await mkdir(workspaceDir, { recursive: true });
  const instanceId = `inst-${process.pid}-${Date.now()}`;
  const runner = new DockerContainerRunner(dockerHost === undefined ? {} : { dockerHost });
  const jobIds: string[] = [];
  const newJobId = () => {
    const jobId = `test-${process.pid}-${Date.now()}-${++counter}`;
    jobIds.push(jobId);
    return jobId;
  };
  return {
    root,
    repoDir,
    workspaceDir,
    runner,
    job: (language, script, overrides = {}) => ({
      jobId: newJobId(),
      instanceId,
      processId: 'test-process',
      elementId: 'task',
      attempt: 1,
      language,
      script: typeof script === 'string' ? { inline: script } : script,
      variables: {},
      workspaceDir,
      repoDir,
      runtime: {
        image: DEFAULT_IMAGE,
        env: {},
        secrets: {},
        network: 'none',
        limits: { memoryBytes: 256 * 1024 ** 2, cpus: 1, pids: 512, timeoutMs: 60_000 },
      },
      ...overrides,
    }),
    writeRepoFile: async (path, text) => {
      await mkdir(dirname(join(repoDir, path)), { recursive: true });
      await writeFile(join(repoDir, path), text);
    },
    /** Releases the containers the tests' jobs left (run() keeps them until released), then the files. */
    dispose: async () => {
      for (const jobId of jobIds) await runner.release(jobId).catch(() => undefined);
      await rm(root, { recursive: true, force: true });
    },
  };
}

/** Collects the lines a job logs. */
export function collect(): { lines: LogLine[]; onLog: (line: LogLine) => void } {
  const lines: LogLine[] = [];
  return { lines, onLog: (line) => lines.push(line) };
}

export const TEST_TIMEOUT = 120_000;
