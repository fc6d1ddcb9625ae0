/** `pipelane serve --repo …` as a child process, for the end-to-end GitOps tests. */
import type { ChildProcess } from 'node:child_process';
import { createHmac, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listeningUrl, pipelane, waitFor } from '../daemon/daemon.js';

export const WEBHOOK_SECRET = 'webhook-secret-for-tests';

export class GitOpsDaemon {
  readonly dataDir = mkdtempSync(join(tmpdir(), 'pipelane-gitops-daemon-'));
  url = '';
  stderr = '';
  private child: ChildProcess | undefined;
  private exited: Promise<void> | undefined;

  constructor(
    private readonly args: string[],
    private readonly env: Record<string, string> = {},
  ) {}

  async start(): Promise<this> {
    this.stderr = '';
    const child = pipelane(['serve', ...this.args, '--data-dir', this.dataDir, '--port', '0'], { PIPELANE_GITHUB_WEBHOOK_SECRET: WEBHOOK_SECRET, ...this.env });
    this.child = child;
    this.exited = new Promise((done) => child.on('exit', () => done()));
    child.stderr!.on('data', (d: Buffer) => (this.stderr += d.toString()));
    this.url = await listeningUrl(child, this.exited, () => this.stderr);
    return this;
  }

  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    this.child?.kill(signal);
    await this.exited;
  }

  async text(path: string): Promise<string> {
    const response = await fetch(`${this.url}${path}`);
    const text = await response.text();
    if (response.status !== 200) throw new Error(`GET ${path}: ${response.status} ${text}`);
    return text;
  }

  async get(path: string): Promise<any> {
    return JSON.parse(await this.text(path));
  }

  async post(path: string, body: string | undefined, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
    const response = await fetch(`${this.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, ...(body !== undefined ? { body } : {}) });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  }

  /** Asks for a sync now and returns its answer. */
  async sync(): Promise<any> {
    const { status, body } = await this.post('/api/v1/sync', undefined);
    if (status !== 200) throw new Error(`POST /api/v1/sync: ${status} ${JSON.stringify(body)}`);
    return body;
  }

  /** A push delivery as GitHub sends it. */
  async push(options: { branch?: string; delivery?: string; secret?: string; marker?: string } = {}): Promise<{ status: number; body: any }> {
    const body = JSON.stringify({ ref: `refs/heads/${options.branch ?? 'main'}`, marker: options.marker ?? 'payload' });
    const signature = `sha256=${createHmac('sha256', options.secret ?? WEBHOOK_SECRET).update(body).digest('hex')}`;
    return this.post('/webhooks/github', body, { 'x-github-event': 'push', 'x-github-delivery': options.delivery ?? randomUUID(), 'x-hub-signature-256': signature });
  }

  active(): Promise<{ id: string; file: string; commit?: string }[]> {
    return this.get('/api/v1/deployments?active=true').then((b) => b.items);
  }

  schedules(all = false): Promise<any[]> {
    return this.get(`/api/v1/schedules${all ? '?all=true' : ''}`).then((b) => b.items);
  }

  fires(id: string): Promise<{ fireAt: string; outcome: string; decidedAt: string; instanceId?: string }[]> {
    return this.get(`/api/v1/schedules/${encodeURIComponent(id)}/fires?limit=1000`).then((b) => b.items.reverse());
  }

  instances(process: string): Promise<{ id: string; state: string; deploymentId: string }[]> {
    return this.get(`/api/v1/instances?process=${process}&limit=500`).then((b) => b.items);
  }

  waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 15_000): Promise<T> {
    return waitFor(probe as () => Promise<T | undefined>, timeoutMs, () => `timed out waiting for ${what}; daemon log:\n${this.stderr.slice(-3000)}`);
  }

  dispose(): void {
    this.child?.kill('SIGKILL');
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}
