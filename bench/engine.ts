/**
 * Pipelane's engine against bpmn-engine on the same generated models, in one
 * process, one instance at a time, each task a no-op answered in-process.
 * Both engines get pre-parsed definitions: parsing is outside the timing.
 *
 *   npm run bench:engine            (about 30 s)
 *   BENCH_SECONDS=1 npm run bench:engine
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import * as bpmnElements from 'bpmn-elements';
import { Engine } from 'bpmn-engine';
import { BpmnModdle } from 'bpmn-moddle';
import serializeContext, { TypeResolver } from 'moddle-context-serializer';
import { startInstance, step, type Command } from '../src/engine/index.js';
import { loadBpmn } from '../src/model/load.js';
import type { DeploymentModel } from '../src/model/process-model.js';
import { LOOP_ITERATIONS, modelXml, PARALLEL_BRANCHES, PROCESS_ID, SEQUENCE_TASKS, type ModelShape } from './lib/bpmn-models.js';

/** Measured seconds per engine per model, split into interleaved rounds. */
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const ROUNDS = 6;
/** bpmn-engine needs some dozens of instances before V8 has optimised it. */
const WARMUP_SECONDS = Math.min(1.5, SECONDS / 2);
/** The target of issue 2: Pipelane at least this many times bpmn-engine's throughput. */
const TARGET_RATIO = 20;

interface Bench {
  name: string;
  /** Runs one instance to completion; returns how many tasks it ran. */
  run(): number | Promise<number>;
}

const MODELS: { shape: ModelShape; label: string; tasks: number }[] = [
  { shape: 'sequence', label: `sequence of ${SEQUENCE_TASKS} tasks`, tasks: SEQUENCE_TASKS },
  { shape: 'parallel', label: `parallel split/join x${PARALLEL_BRANCHES}`, tasks: PARALLEL_BRANCHES },
  { shape: 'loop', label: `loop of ${LOOP_ITERATIONS} iterations`, tasks: LOOP_ITERATIONS },
];

// ---- Pipelane ------------------------------------------------------------

async function pipelaneBench(shape: ModelShape): Promise<Bench> {
  const loaded = await loadBpmn(modelXml(shape, 'pipelane'), `bench-${shape}.bpmn`);
  if (!loaded.ok) {
    throw new Error(`Pipelane refused the ${shape} model:\n${loaded.diagnostics.map((d) => `  ${d.rule} ${d.element ?? ''}: ${d.message}`).join('\n')}`);
  }
  const model = loaded.model;
  let seq = 0;
  return { name: 'pipelane', run: () => runPipelane(model, `i${++seq}`, shape === 'loop') };
}

/** Drives one instance: every runJob is answered at once, commands in FIFO order, until it completes. */
function runPipelane(model: DeploymentModel, instanceId: string, counting: boolean): number {
  let { state, commands } = startInstance(model, { instanceId, processId: PROCESS_ID, variables: { counter: 0 }, at: 0 });
  const queue: Command[] = [...commands];
  let jobs = 0;
  for (let head = 0; head < queue.length; head++) {
    const command = queue[head]!;
    if (command.type !== 'runJob') continue;
    jobs++;
    const variables = counting ? { counter: (command.variables.counter as number) + 1 } : undefined;
    ({ state, commands } = step(model, state, { type: 'jobCompleted', at: 0, jobId: command.jobId, ...(variables ? { variables } : {}) }));
    for (const c of commands) queue.push(c);
  }
  if (state.status !== 'completed') throw new Error(`pipelane instance ${instanceId} ended ${state.status}, not completed`);
  return jobs;
}

// ---- bpmn-engine -----------------------------------------------------------

/**
 * bpmn-engine's documented way to reuse a parsed model is `sourceContext`:
 * a bpmn-moddle context serialized once by moddle-context-serializer with
 * bpmn-elements' types (the same packages bpmn-engine itself imports). Each
 * instance is then a new Engine on that context, as the engine holds one
 * execution at a time.
 */
async function bpmnEngineBench(shape: ModelShape): Promise<Bench> {
  const moddleContext = await new BpmnModdle().fromXML(modelXml(shape, 'bpmn-engine'));
  const sourceContext = serializeContext(moddleContext, TypeResolver(bpmnElements));
  let tasks = 0;
  const services = {
    noop: (_scope: unknown, next: () => void) => {
      tasks++;
      next();
    },
    increment: (scope: { environment: { variables: { counter: number } } }, next: () => void) => {
      tasks++;
      scope.environment.variables.counter += 1;
      next();
    },
    below: (a: number, b: number) => a < b,
  };
  let seq = 0;
  return {
    name: 'bpmn-engine',
    run: () =>
      new Promise<number>((resolve, reject) => {
        tasks = 0;
        const engine = new Engine({ name: `i${++seq}`, sourceContext, services, variables: { counter: 0 }, Logger: silentLogger });
        void engine.execute((err: Error | null) => (err ? reject(err) : resolve(tasks)));
      }),
  };
}

/**
 * bpmn-engine's default logger builds a `debug` instance per element per
 * instance; a silent one is its cheapest setting, so logging overhead
 * does not inflate the ratio.
 */
function silentLogger(): { debug(): void; error(): void; warn(): void } {
  const nothing = (): void => {};
  return { debug: nothing, error: nothing, warn: nothing };
}

// ---- Harness -------------------------------------------------------------

interface Tally {
  instances: number;
  ms: number;
}

/** Runs instances one after another for `seconds`, checking each ran the expected number of tasks. */
async function runFor(bench: Bench, seconds: number, tasks: number, tally: Tally): Promise<void> {
  const until = performance.now() + seconds * 1000;
  const started = performance.now();
  let now = started;
  let instances = 0;
  while (now < until) {
    const result = bench.run();
    const ran = typeof result === 'number' ? result : await result;
    if (ran !== tasks) throw new Error(`${bench.name} ran ${ran} tasks in one instance, expected ${tasks}`);
    instances++;
    now = performance.now();
  }
  tally.instances += instances;
  tally.ms += now - started;
}

async function measure(benches: Bench[], tasks: number): Promise<number[]> {
  for (const bench of benches) await runFor(bench, WARMUP_SECONDS, tasks, { instances: 0, ms: 0 });
  const tallies = benches.map(() => ({ instances: 0, ms: 0 }));
  for (let round = 0; round < ROUNDS; round++) {
    for (const [i, bench] of benches.entries()) await runFor(bench, SECONDS / ROUNDS, tasks, tallies[i]!);
  }
  return tallies.map((t) => (t.instances * 1000) / t.ms);
}

function fmt(n: number): string {
  return n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(1);
}

const COLUMNS = [
  { title: 'model', width: 26 },
  { title: 'pipelane inst/s', width: 16 },
  { title: 'bpmn-engine inst/s', width: 19 },
  { title: 'ratio', width: 8 },
  { title: `>= ${TARGET_RATIO}x`, width: 7 },
];

/** Rows are printed as each model finishes, so widths are fixed. */
function row(cells: string[]): string {
  return cells.map((cell, c) => (c === 0 ? cell.padEnd(COLUMNS[c]!.width) : cell.padStart(COLUMNS[c]!.width))).join('  ');
}

async function main(): Promise<void> {
  console.log(`Pipelane engine vs bpmn-engine ${bpmnEngineVersion()}`);
  console.log(`node ${process.version} on ${os.cpus().length} cores (${os.cpus()[0]?.model.trim() ?? 'unknown CPU'}); one process (pid ${process.pid}).`);
  console.log(`One instance at a time to completion, no-op tasks answered in-process, definitions parsed once before timing;`);
  console.log(`per model: ${WARMUP_SECONDS} s warm-up each, then ${SECONDS} s per engine in ${ROUNDS} interleaved rounds.\n`);
  const wallStart = performance.now();
  const cpuStart = process.cpuUsage();
  console.log(row(COLUMNS.map((c) => c.title)));
  console.log(row(COLUMNS.map((c) => '-'.repeat(c.width))));
  for (const model of MODELS) {
    const benches = [await pipelaneBench(model.shape), await bpmnEngineBench(model.shape)];
    const [ours, theirs] = await measure(benches, model.tasks);
    const ratio = ours! / theirs!;
    console.log(row([model.label, fmt(ours!), fmt(theirs!), `${ratio.toFixed(1)}x`, ratio >= TARGET_RATIO ? 'yes' : 'NO']));
  }
  reportContention(wallStart, cpuStart);
}

/**
 * Other work on the machine lowers both engines' figures; the interleaved
 * rounds keep the ratio fair, but the absolute rates are only as good as the
 * share of a core this process got.
 */
function reportContention(wallStart: number, cpuStart: NodeJS.CpuUsage): void {
  const cpu = process.cpuUsage(cpuStart);
  const share = (cpu.user + cpu.system) / 1000 / (performance.now() - wallStart);
  const load = os.loadavg()[0]!;
  console.log(`\nThis process used ${(share * 100).toFixed(0)}% of one core over the run (GC threads included); 1-min load average ${load.toFixed(1)} on ${os.cpus().length} cores.`);
  if (share < 0.9 || load > os.cpus().length) {
    console.log('The machine was busy: absolute inst/s are understated for both engines; the ratios come from interleaved rounds.');
  }
}

function bpmnEngineVersion(): string {
  // Its exports map hides package.json; find it beside the resolved entry point.
  const require = createRequire(import.meta.url);
  const pkg = path.join(path.dirname(require.resolve('bpmn-engine')), '..', 'package.json');
  return (JSON.parse(readFileSync(pkg, 'utf8')) as { version: string }).version;
}

await main();
