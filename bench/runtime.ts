/**
 * `npm run bench:runtime`: the durable runtime on SQLite, in one process.
 *
 * 1. Durable throughput: completed instances per second of a 10-step flow of
 *    in-process tasks, every step committed to SQLite with its outbox, with
 *    16 and with 128 instances running at once. Target: at least 300 per
 *    second.
 * 2. Scale: 100,000 instances parked at a user task, then `pipelane serve`
 *    restarted on them (lib/daemon-scale.ts): spawn to listening (target
 *    ≤ 5 s), the daemon's RSS (target ≤ 300 MB), and the latency of
 *    completing one parked task over REST (target ≤ 50 ms at p99).
 *
 * BENCH_PARKED=20000 runs a smaller scale test.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openSqliteStore } from '../src/adapters/sqlite/index.js';
import { systemClock } from '../src/adapters/system-clock.js';
import { deployModelFile } from '../src/cli/open-runtime.js';
import { loadModelFile } from '../src/gitops/discover.js';
import type { ContainerRunner } from '../src/ports/container-runner.js';
import type { Store } from '../src/ports/store.js';
import { JobLogStore } from '../src/runtime/job-logs.js';
import { Runtime } from '../src/runtime/runtime.js';
import { bpmnXml } from '../test/support/bpmn.js';
import { daemonScale, type ScaleFigures } from './lib/daemon-scale.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const PARKED = Number(process.env.BENCH_PARKED ?? 100_000);
const THROUGHPUT_SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
/**
 * Instances kept running at once in the throughput test (BENCH_IN_FLIGHT, a
 * comma-separated list). Outcomes that arrive together commit together, so
 * the figure grows with the load; both a light and a busy daemon are shown.
 */
const IN_FLIGHT = (process.env.BENCH_IN_FLIGHT ?? '16,128').split(',').map(Number);

/** The flows here have no script tasks: a container runner that is called is a bug in the bench. */
const noContainers: ContainerRunner = {
  run: () => Promise.reject(new Error('no containers in this benchmark')),
  reattach: () => Promise.resolve(undefined),
  cancel: () => Promise.resolve(),
  release: () => Promise.resolve(),
  containers: () => Promise.resolve([]),
};

function runtimeOn(store: Store, dataDir: string): Runtime {
  return new Runtime({
    store, runner: noContainers, clock: systemClock, logs: new JobLogStore({ dir: join(dataDir, 'logs') }),
    workspacesDir: join(dataDir, 'workspaces'), concurrency: 64, secrets: {},
  });
}

async function deploy(store: Store, repoDir: string, file: string, xml: string): Promise<void> {
  writeFileSync(join(repoDir, file), xml);
  const model = await loadModelFile(repoDir, file);
  if (!model.model) throw new Error(model.diagnostics.map((d) => d.message).join('\n'));
  deployModelFile(store, repoDir, model, Date.now());
}

const steps = Array.from({ length: 10 }, (_, i) => `t${i + 1}`);
const tenSteps = bpmnXml('ten', [
  { id: 's', tag: 'startEvent' },
  ...steps.map((id) => ({ id, tag: 'serviceTask' })),
  { id: 'e', tag: 'endEvent' },
], ['s', ...steps, 'e'].slice(0, -1).map((from, i) => [from, ['s', ...steps, 'e'][i + 1]!] as [string, string]));

const parked = bpmnXml('parked', [{ id: 's', tag: 'startEvent' }, { id: 'review', tag: 'userTask' }, { id: 'e', tag: 'endEvent' }], [['s', 'review'], ['review', 'e']]);

async function throughput(dataDir: string, repoDir: string, atOnce: number): Promise<number> {
  const store = openSqliteStore(dataDir);
  await deploy(store, repoDir, 'ten.bpmn', tenSteps);
  const runtime = runtimeOn(store, dataDir);
  let completed = 0;
  const running = new Set<string>();
  let resolveDone!: () => void;
  const done = new Promise<void>((r) => (resolveDone = r));
  const deadline = Date.now() + THROUGHPUT_SECONDS * 1000;
  const launch = () => running.add(runtime.start({ processId: 'ten', actor: 'bench' }));
  runtime.onActivity((a) => {
    if (a.kind !== 'instanceEnded') return;
    running.delete(a.instanceId);
    completed += 1;
    if (Date.now() < deadline) launch();
    else if (running.size === 0) resolveDone();
  });
  const started = Date.now();
  for (let i = 0; i < atOnce; i++) launch();
  await done;
  const seconds = (Date.now() - started) / 1000;
  runtime.stop();
  store.close();
  return completed / seconds;
}

/** Parks PARKED instances at a user task in the data directory, then measures the daemon's restart on it. */
async function scale(dataDir: string, repoDir: string): Promise<ScaleFigures> {
  const store = openSqliteStore(dataDir);
  await deploy(store, repoDir, 'parked.bpmn', parked);
  const runtime = runtimeOn(store, dataDir);
  const batch = 1000;
  for (let i = 0; i < PARKED; i += batch) {
    store.transaction(() => {
      for (let j = i; j < Math.min(PARKED, i + batch); j++) runtime.start({ processId: 'parked', actor: 'bench' });
    });
  }
  runtime.stop();
  store.close();
  return daemonScale(ROOT, repoDir, dataDir);
}

const root = mkdtempSync(join(tmpdir(), 'pipelane-bench-'));
try {
  const repo = mkdtempSync(join(root, 'repo-'));
  console.log(`Pipelane durable runtime on SQLite — node ${process.version}, one process`);
  for (const inFlight of IN_FLIGHT) {
    const rate = await throughput(mkdtempSync(join(root, 'tp-')), repo, inFlight);
    console.log(`durable throughput, 10-step in-process flow, ${inFlight} instances at once: ${rate.toFixed(0)} instances/s (${(rate * 11).toFixed(0)} committed steps/s; target ≥ 300 instances/s)`);
  }
  execFileSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit' });
  const s = await scale(mkdtempSync(join(root, 'scale-')), mkdtempSync(join(root, 'parked-repo-')));
  console.log(`${PARKED.toLocaleString('en')} instances parked at a user task, pipelane serve (dist/) restarted on them:`);
  console.log(`  restart to ready: ${s.readyMs.toFixed(0)} ms (target ≤ 5000 ms)`);
  console.log(`  daemon RSS when ready: ${s.rssMb.toFixed(0)} MB (target ≤ 300 MB)`);
  console.log(`  completing one parked task over REST: p50 ${s.p50.toFixed(2)} ms, p99 ${s.p99.toFixed(2)} ms (target p99 ≤ 50 ms)`);
} finally {
  rmSync(root, { recursive: true, force: true });
}
