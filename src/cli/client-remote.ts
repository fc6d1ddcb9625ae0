/** The client commands against a running daemon, through its REST API. */
import { ERROR_CODES, PipelaneError, type ErrorCode } from '../errors.js';
import type { IncidentView, InstanceSummary, InstanceView, LogEntryView, TaskView } from '../http/views.js';
import type { InstanceStatus } from '../engine/index.js';
import type { Page } from '../ports/store.js';
import type { Backend, InstanceQuery, TaskQuery } from './client-backend.js';

export class RemoteBackend implements Backend {
  private readonly base: string;

  constructor(server: string, private readonly token: string | undefined) {
    let url: URL;
    try {
      url = new URL(server);
    } catch {
      throw new PipelaneError('BAD_REQUEST', `--server ${server} is not a URL; for example --server http://127.0.0.1:8080.`);
    }
    this.base = url.toString().replace(/\/$/, '');
  }

  listInstances(query: InstanceQuery): Promise<Page<InstanceSummary>> {
    return this.call('GET', `/api/v1/instances${search({ process: query.process, state: query.state, limit: query.limit, cursor: query.cursor })}`);
  }

  getInstance(id: string): Promise<InstanceView> {
    return this.call('GET', `/api/v1/instances/${enc(id)}`);
  }

  async listTasks(query: TaskQuery): Promise<TaskView[]> {
    const page = await this.call<{ items: TaskView[] }>('GET', `/api/v1/tasks${search({ state: query.state ?? 'open', instance: query.instance })}`);
    return page.items;
  }

  completeTask(id: string, variables: Record<string, unknown>): Promise<TaskView> {
    return this.call('POST', `/api/v1/tasks/${enc(id)}/complete`, { variables });
  }

  cancel(id: string): Promise<{ id: string; state: InstanceStatus }> {
    return this.call('POST', `/api/v1/instances/${enc(id)}/cancel`, {});
  }

  async retry(id: string): Promise<IncidentView[]> {
    return (await this.call<{ retried: IncidentView[] }>('POST', `/api/v1/instances/${enc(id)}/retry`, {})).retried;
  }

  logs(id: string, task?: string): Promise<LogEntryView[]> {
    return this.call('GET', `/api/v1/instances/${enc(id)}/logs${search({ task })}`);
  }

  /** Reads the server-sent events of `?follow=1` until the daemon says `end`. */
  async followLogs(id: string, task: string | undefined, onEntry: (entry: LogEntryView) => void): Promise<void> {
    const response = await this.fetch('GET', `/api/v1/instances/${enc(id)}/logs${search({ task, follow: 1 })}`);
    if (!response.ok) await fail(response);
    if (!response.body) return;
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      let cut: number;
      while ((cut = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1];
        const data = block.split('\n').filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('\n');
        if (event === 'end') return;
        if (event === 'log' && data) onEntry(JSON.parse(data) as LogEntryView);
      }
    }
  }

  close(): void {}

  private async call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const response = await this.fetch(method, path, body);
    if (!response.ok) await fail(response);
    return (await response.json()) as T;
  }

  private async fetch(method: 'GET' | 'POST', path: string, body?: unknown): Promise<Response> {
    try {
      return await fetch(`${this.base}${path}`, {
        method,
        headers: {
          accept: 'application/json',
          ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      throw new PipelaneError('SERVER_UNREACHABLE', `cannot reach the daemon at ${this.base}: ${cause?.code ?? cause?.message ?? (error as Error).message}.`, { cause: error });
    }
  }
}

/** The daemon's `{code, message}` as the same PipelaneError (and so the same exit code) the data directory gives. */
async function fail(response: Response): Promise<never> {
  const text = await response.text();
  let body: { code?: string; message?: string } = {};
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    // not JSON: a proxy in between, most likely
  }
  const code = body.code && body.code in ERROR_CODES ? (body.code as ErrorCode) : 'INTERNAL';
  throw new PipelaneError(code, body.message ?? `the daemon answered ${response.status} ${response.statusText}.`);
}

function search(params: Record<string, string | number | undefined>): string {
  const defined = Object.entries(params).filter(([, v]) => v !== undefined && v !== '') as [string, string | number][];
  return defined.length === 0 ? '' : `?${new URLSearchParams(defined.map(([k, v]): [string, string] => [k, String(v)])).toString()}`;
}

const enc = encodeURIComponent;
