/**
 * The daemon as a child process for the integration tests: `pipelane serve`
 * on a free port (--port 0, address read from its "listening on" line), with
 * models and data in temp dirs; killed with SIGKILL where recovery is tested.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Docker from 'dockerode';
import { engineAddress } from '../../../src/adapters/docker/connection.js';
import { LABEL } from '../../../src/adapters/docker/labels.js';
import { dockerHost } from '../docker-available.js';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const MAIN = join(ROOT, 'src/cli/main.ts');
export const TOKEN = 'test-token-0123456789abcdef';

const docker = () => new Docker(engineAddress(dockerHost).options);

/** Runs the `pipelane` CLI from source with node and the tsx loader (no npx: a kill must reach the real process). */
export function pipelane(args: string[], env: Record<string, string> = {}): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], {
    cwd: ROOT,
    env: { ...process.env, PIPELANE_LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Waits for a `pipelane serve` child to print its "listening on" line; fails if it exits first or takes 30 s. */
export function listeningUrl(child: ChildProcess, exited: Promise<unknown>, stderr: () => string): Promise<string> {
  return new Promise<string>((resolveUrl, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`the daemon did not start within 30 s:\n${stderr()}`)), 30_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolveUrl(match[1]!);
      }
    });
    void exited.then((how) => {
      clearTimeout(timer);
      reject(new Error(`the daemon exited (${JSON.stringify(how)}) before listening:\n${stderr()}`));
    });
  });
}

/** Runs a CLI command to its end. */
export function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = pipelane(args, env);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((done) => child.on('close', (code) => done({ code, stdout, stderr })));
}

export class Workspace {
  readonly root = mkdtempSync(join(tmpdir(), 'pipelane-daemon-'));
  readonly modelsDir = join(this.root, 'models');
  readonly dataDir = join(this.root, 'data');

  constructor() {
    mkdirSync(this.modelsDir, { recursive: true });
  }

  write(path: string, text: string): this {
    mkdirSync(dirname(join(this.modelsDir, path)), { recursive: true });
    writeFileSync(join(this.modelsDir, path), text);
    return this;
  }

  /** A file a script wrote to the instance's /workspace, or undefined. */
  workspaceFile(instanceId: string, name: string): string | undefined {
    const path = join(this.dataDir, 'workspaces', instanceId, name);
    return existsSync(path) ? readFileSync(path, 'utf8') : undefined;
  }

  /** The containers of this workspace's jobs that exist now, running or exited. */
  async containers(): Promise<Docker.ContainerInfo[]> {
    const containers = await docker().listContainers({ all: true, filters: { label: [LABEL.job] } });
    return containers.filter((c) => c.Labels[LABEL.controlDir]?.startsWith(this.root));
  }

  /** Removes the temp dirs and any container a killed daemon left behind for them. */
  async dispose(): Promise<void> {
    for (const c of await this.containers().catch(() => [])) await docker().getContainer(c.Id).remove({ force: true }).catch(() => undefined);
    rmSync(this.root, { recursive: true, force: true });
  }
}

export class Daemon {
  url = '';
  stderr = '';
  private child: ChildProcess | undefined;
  private exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }> | undefined;

  constructor(
    readonly ws: Workspace,
    private readonly env: Record<string, string> = {},
    private readonly token?: string,
  ) {}

  /** Starts `pipelane serve` and waits for its "listening on" line. */
  async start(env: Record<string, string> = {}, extraArgs: string[] = []): Promise<this> {
    const child = pipelane(['serve', '--models', this.ws.modelsDir, '--data-dir', this.ws.dataDir, '--port', '0', ...extraArgs], { ...this.env, ...env });
    this.child = child;
    this.exited = new Promise((done) => child.on('exit', (code, signal) => done({ code, signal })));
    child.stderr!.on('data', (d: Buffer) => (this.stderr += d.toString()));
    this.url = await listeningUrl(child, this.exited, () => this.stderr);
    return this;
  }

  get pid(): number {
    return this.child!.pid!;
  }

  /** Sends a signal and waits for the process to be gone. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    this.child?.kill(signal);
    return this.waitForExit();
  }

  waitForExit(): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    return this.exited ?? Promise.resolve({ code: null, signal: null });
  }

  /** A request to the API; the JSON body (or text) and the status. */
  async request(method: string, path: string, body?: unknown, options: { token?: string | null; raw?: string } = {}): Promise<{ status: number; body: any; text: string }> {
    const token = options.token === null ? undefined : (options.token ?? this.token);
    const response = await fetch(`${this.url}${path}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), 'content-type': 'application/json' },
      ...(options.raw !== undefined ? { body: options.raw } : body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    return { status: response.status, body: parsed, text };
  }

  async get(path: string): Promise<any> {
    const { status, body, text } = await this.request('GET', path);
    if (status !== 200) throw new Error(`GET ${path}: ${status} ${text}`);
    return body;
  }

  /** Polls the instance until `until` holds. */
  async waitForInstance(id: string, until: (instance: any) => boolean, timeoutMs = 60_000): Promise<any> {
    return waitFor(async () => {
      const instance = await this.get(`/api/v1/instances/${encodeURIComponent(id)}`);
      return until(instance) ? instance : undefined;
    }, timeoutMs, () => `instance ${id} did not get there in time; daemon log:\n${this.stderr.slice(-3000)}`);
  }
}

/** Polls `probe` every 100 ms until it gives a value. */
export async function waitFor<T>(probe: () => Promise<T | undefined> | T | undefined, timeoutMs: number, message: () => string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(message());
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** History entries of a type. */
export const historyOf = (instance: any, type: string): any[] => instance.history.filter((h: any) => h.type === type);

/** No step appears twice: every (type, data) of the history is distinct. */
export function duplicateSteps(instance: any): string[] {
  const keys = instance.history.map((h: any) => `${h.type} ${JSON.stringify(h.data)}`);
  return keys.filter((k: string, i: number) => keys.indexOf(k) !== i);
}
