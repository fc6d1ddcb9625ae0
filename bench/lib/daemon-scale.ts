/**
 * The scale half of bench:runtime, on the daemon itself: `pipelane serve`
 * (built dist/, as users run it) on a data directory holding N instances
 * parked at a user task. The first start assigns their tasks (as the daemon
 * does when each opens); the second is the restart measured: spawn to
 * "listening", its RSS, then completing parked tasks one by one over REST.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

export interface ScaleFigures {
  readyMs: number;
  rssMb: number;
  p50: number;
  p99: number;
}

interface Serving {
  child: ChildProcess;
  url: string;
  readyMs: number;
}

async function serve(root: string, modelsDir: string, dataDir: string): Promise<Serving> {
  const started = performance.now();
  const child = spawn(process.execPath, [join(root, 'dist/cli/main.js'), 'serve', '--models', modelsDir, '--data-dir', dataDir, '--port', '0'], {
    env: { PATH: process.env.PATH ?? '', PIPELANE_LOG_LEVEL: 'warn', PIPELANE_GITHUB_POLL_SECONDS: '0' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.on('exit', (code) => reject(new Error(`the daemon exited with ${code} before it listened`)));
  });
  return { child, url, readyMs: performance.now() - started };
}

async function stop(child: ChildProcess): Promise<void> {
  const exited = new Promise((r) => child.on('exit', r));
  child.kill('SIGTERM');
  await exited;
}

function rssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'))!;
  return Number(line.replace(/\D+/g, '')) / 1024;
}

export async function daemonScale(root: string, modelsDir: string, dataDir: string, samples = 500): Promise<ScaleFigures> {
  // First start: the tasks get their assignments, as they would have when they opened.
  const first = await serve(root, modelsDir, dataDir);
  await stop(first.child);

  const second = await serve(root, modelsDir, dataDir);
  try {
    const rss = rssMb(second.child.pid!);
    const tasks = (await (await fetch(`${second.url}/api/v1/tasks?state=open&limit=${samples}`)).json()) as { items: { id: string }[] };
    const latencies: number[] = [];
    for (const task of tasks.items) {
      const t = performance.now();
      const response = await fetch(`${second.url}/api/v1/tasks/${encodeURIComponent(task.id)}/complete`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ variables: { approved: true } }),
      });
      if (response.status !== 200) throw new Error(`completing ${task.id}: ${response.status} ${await response.text()}`);
      latencies.push(performance.now() - t);
    }
    latencies.sort((a, b) => a - b);
    const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!;
    return { readyMs: second.readyMs, rssMb: rss, p50: at(0.5), p99: at(0.99) };
  } finally {
    await stop(second.child);
  }
}
