/**
 * GitOps at scale: a generated repository of 1,000 models, each a small
 * pipeline drawn as a modeler writes it (diagram included) with a sidecar
 * schedule. Measures
 *   1. a cold reconcile: fetch, snapshot, parse, validate, deploy and
 *      schedule all 1,000 (in-process, on SQLite);
 *   2. a commit that changes one file;
 *   3. from `git push` to the new schedule being live, with the webhook,
 *      against `pipelane serve --repo` running as a child process.
 *
 *   npm run bench:reconcile            (BENCH_MODELS=200 for a quick run)
 */
import { execFileSync, spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openConnection, SqliteStore } from '../src/adapters/sqlite/index.js';
import { SqliteGitOpsStore } from '../src/adapters/sqlite/gitops-store.js';
import { systemClock } from '../src/adapters/system-clock.js';
import { GitOps } from '../src/gitops/gitops.js';

const MODELS = Number(process.env.BENCH_MODELS ?? 1000);
const TARGETS = { coldMs: 10_000, oneFileMs: 300, pushToLiveMs: 2_000 };
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SECRET = 'bench-webhook-secret';
const GIT_ENV = { ...process.env, GIT_AUTHOR_NAME: 'bench', GIT_AUTHOR_EMAIL: 'bench@example.com', GIT_COMMITTER_NAME: 'bench', GIT_COMMITTER_EMAIL: 'bench@example.com' };

const git = (dir: string, ...args: string[]) => execFileSync('git', ['-C', dir, ...args], { env: GIT_ENV, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();

/** start → fetch (bash) → wait 1 s → load (python) → end, with its diagram. */
function model(n: number, variant = 0): string {
  const id = `p${String(n).padStart(4, '0')}`;
  const shapes: [string, number, number, number, number][] = [
    ['start', 152, 102, 36, 36],
    ['fetch', 240, 80, 100, 80],
    ['wait', 392, 102, 36, 36],
    ['load', 480, 80, 100, 80],
    ['end', 632, 102, 36, 36],
  ];
  const flows: [string, string, string][] = [
    ['f1', 'start', 'fetch'],
    ['f2', 'fetch', 'wait'],
    ['f3', 'wait', 'load'],
    ['f4', 'load', 'end'],
  ];
  const io = (el: string) => flows.filter((f) => f[2] === el).map((f) => `<bpmn:incoming>${f[0]}</bpmn:incoming>`).join('') + flows.filter((f) => f[1] === el).map((f) => `<bpmn:outgoing>${f[0]}</bpmn:outgoing>`).join('');
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:di="http://www.omg.org/spec/DD/20100524/DI" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="Definitions_${id}" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="${id}" name="Pipeline ${n}" isExecutable="true">
    <bpmn:startEvent id="start" name="Start">${io('start')}</bpmn:startEvent>
    <bpmn:scriptTask id="fetch" name="Fetch" scriptFormat="bash">${io('fetch')}<bpmn:script>echo fetch ${n} ${variant}</bpmn:script></bpmn:scriptTask>
    <bpmn:intermediateCatchEvent id="wait" name="Wait">${io('wait')}<bpmn:timerEventDefinition><bpmn:timeDuration xsi:type="bpmn:tFormalExpression">PT1S</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>
    <bpmn:scriptTask id="load" name="Load" scriptFormat="python">${io('load')}<bpmn:script>print("load ${n}")</bpmn:script></bpmn:scriptTask>
    <bpmn:endEvent id="end" name="Done">${io('end')}</bpmn:endEvent>
${flows.map(([f, s, t]) => `    <bpmn:sequenceFlow id="${f}" sourceRef="${s}" targetRef="${t}" />`).join('\n')}
  </bpmn:process>
  <bpmndi:BPMNDiagram id="BPMNDiagram_1">
    <bpmndi:BPMNPlane id="BPMNPlane_1" bpmnElement="${id}">
${shapes.map(([el, x, y, w, h]) => `      <bpmndi:BPMNShape id="${el}_di" bpmnElement="${el}"><dc:Bounds x="${x}" y="${y}" width="${w}" height="${h}" /></bpmndi:BPMNShape>`).join('\n')}
${flows.map(([f, s, t]) => {
  const a = shapes.find((x) => x[0] === s)!;
  const b = shapes.find((x) => x[0] === t)!;
  return `      <bpmndi:BPMNEdge id="${f}_di" bpmnElement="${f}"><di:waypoint x="${a[1] + a[3]}" y="120" /><di:waypoint x="${b[1]}" y="120" /></bpmndi:BPMNEdge>`;
}).join('\n')}
    </bpmndi:BPMNPlane>
  </bpmndi:BPMNDiagram>
</bpmn:definitions>
`;
}

function sidecar(n: number, extra = ''): string {
  return `schedules:\n  nightly:\n    cron: "${n % 60} ${n % 24} * * *"\n    timezone: Europe/Berlin\n${extra}runtime:\n  limits: { timeout: 5m }\n`;
}

const path = (n: number, ext: string) => `p${String(n).padStart(4, '0')}/p${String(n).padStart(4, '0')}.${ext}`;

function writeFile(dir: string, file: string, text: string): void {
  mkdirSync(dirname(join(dir, file)), { recursive: true });
  writeFileSync(join(dir, file), text);
}

function commitAndPush(clone: string, message: string): void {
  git(clone, 'add', '-A');
  git(clone, 'commit', '-q', '-m', message);
  git(clone, 'push', '-q', 'origin', 'main');
}

async function inProcess(url: string, clone: string): Promise<{ coldMs: number; oneFileMs: number; parsedCold: number; parsedOne: number; phases: { fetch: number; snapshot: number; reconcile: number } }> {
  const dataDir = mkdtempSync(join(os.tmpdir(), 'pipelane-bench-data-'));
  const db = openConnection(dataDir);
  const store = new SqliteStore(db);
  const gitops = await GitOps.open({
    repo: url, branch: 'main', path: '', worktree: false, pollMs: 3_600_000, dataDir, access: { baseEnv: process.env },
    store, gitops: new SqliteGitOpsStore(db), clock: systemClock, starter: { start: () => { throw new Error('no starts in the benchmark'); } },
  });
  try {
    let t = performance.now();
    const cold = await gitops.sync.syncNow('bench');
    const coldMs = performance.now() - t;
    if (!cold.ok) throw new Error(cold.error);
    const deployed = store.listDeployments({ activeOnly: true }).length;
    const schedules = gitops.schedules().length;
    if (deployed !== MODELS || schedules !== MODELS) throw new Error(`expected ${MODELS} deployments and schedules, got ${deployed} and ${schedules}`);
    const parsedCold = gitops.status().lastReconcile!.parsed;

    writeFile(clone, path(7, 'bpmn'), model(7, 1));
    commitAndPush(clone, 'change one model');
    t = performance.now();
    const one = await gitops.sync.syncNow('bench');
    const oneFileMs = performance.now() - t;
    if (!one.ok) throw new Error(one.error);
    const phases = gitops.status().lastReconcile!.phasesMs;
    return { coldMs, oneFileMs, parsedCold, parsedOne: gitops.status().lastReconcile!.parsed, phases };
  } finally {
    await gitops.stop();
    store.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function pushToLive(url: string, clone: string): Promise<{ ms: number; coldDaemonMs: number }> {
  const dataDir = mkdtempSync(join(os.tmpdir(), 'pipelane-bench-daemon-'));
  const started = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), 'serve', '--repo', url, '--data-dir', dataDir, '--port', '0', '--poll', '1h'], {
    cwd: ROOT,
    env: { ...process.env, PIPELANE_GITHUB_WEBHOOK_SECRET: SECRET, PIPELANE_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const base = await new Promise<string>((done, fail) => {
      let out = '';
      child.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /listening on (http:\/\/\S+)/.exec(out);
        if (m) done(m[1]!);
      });
      child.on('exit', (code) => fail(new Error(`the daemon exited with ${code}`)));
    });
    const coldDaemonMs = performance.now() - started;
    const id = `${path(42, 'bpmn')}#hourly`;
    writeFile(clone, path(42, 'yaml'), sidecar(42, '  hourly:\n    cron: "0 * * * *"\n'));
    git(clone, 'add', '-A');
    git(clone, 'commit', '-q', '-m', 'add an hourly schedule');
    const t = performance.now();
    git(clone, 'push', '-q', 'origin', 'main');
    const body = JSON.stringify({ ref: 'refs/heads/main' });
    const response = await fetch(`${base}/webhooks/github`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-github-event': 'push', 'x-github-delivery': `bench-${Date.now()}`, 'x-hub-signature-256': `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}` },
      body,
    });
    if (response.status !== 202) throw new Error(`the webhook answered ${response.status}: ${await response.text()}`);
    for (;;) {
      const schedules = (await (await fetch(`${base}/api/v1/schedules`)).json()) as { items: { id: string }[] };
      if (schedules.items.some((s) => s.id === id)) return { ms: performance.now() - t, coldDaemonMs };
      if (performance.now() - t > 60_000) throw new Error('the new schedule did not go live within 60 s');
      await new Promise((r) => setTimeout(r, 10));
    }
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const root = mkdtempSync(join(os.tmpdir(), 'pipelane-bench-repo-'));
  const bare = join(root, 'origin.git');
  const clone = join(root, 'clone');
  try {
    execFileSync('git', ['init', '-q', '--bare', '-b', 'main', bare], { env: GIT_ENV });
    execFileSync('git', ['init', '-q', '-b', 'main', clone], { env: GIT_ENV });
    git(clone, 'remote', 'add', 'origin', bare);
    for (let n = 1; n <= MODELS; n++) {
      writeFile(clone, path(n, 'bpmn'), model(n));
      writeFile(clone, path(n, 'yaml'), sidecar(n));
    }
    commitAndPush(clone, `${MODELS} models`);
    const url = `file://${bare}`;

    console.log(`GitOps reconcile benchmark: ${MODELS} .bpmn files with sidecar schedules`);
    console.log(`node ${process.version} on ${os.cpus().length} cores (${os.cpus()[0]?.model.trim() ?? 'unknown CPU'}); SQLite in a temp dir; repository fetched from ${url.replace(root, '<tmp>')}.\n`);
    const r = await inProcess(url, clone);
    const live = await pushToLive(url, clone);
    const rows: [string, number, number, string][] = [
      [`cold reconcile (${r.parsedCold} files parsed, validated, deployed, scheduled)`, r.coldMs, TARGETS.coldMs, ''],
      [`one-file change (${r.parsedOne} file parsed again)`, r.oneFileMs, TARGETS.oneFileMs, ''],
      ['git push → new schedule live (webhook, daemon child process)', live.ms, TARGETS.pushToLiveMs, ''],
    ];
    for (const [label, ms, target] of rows) {
      console.log(`${label.padEnd(72)} ${ms.toFixed(0).padStart(7)} ms   target < ${String(target).padStart(5)} ms   ${ms < target ? 'ok' : 'MISSED'}`);
    }
    console.log(`\none-file change by phase: fetch and list ${r.phases.fetch} ms, snapshot (hard links to the previous one) ${r.phases.snapshot} ms, load and commit ${r.phases.reconcile} ms.`);
    console.log(`(the daemon's own start, including its cold reconcile of the same repository, took ${live.coldDaemonMs.toFixed(0)} ms)`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

await main();
