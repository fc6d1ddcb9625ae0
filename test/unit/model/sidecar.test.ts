import { describe, expect, it } from 'vitest';
import { parseSidecar, resolveTaskRuntime, type Sidecar } from '../../../src/model/sidecar.js';
import { DEFAULT_IMAGE, DEFAULT_LIMITS } from '../../../src/model/task-runtime.js';

function parsed(text: string): Sidecar {
  const result = parseSidecar(text, 'churn/churn.yaml');
  if (!result.ok) throw new Error(JSON.stringify(result.diagnostics));
  return result.sidecar;
}

const FULL = `
runtime:
  image: { python: python:3.12-slim, default: debian:bookworm }
  env: { REGION: eu, WORKERS: 4, DEBUG: false }
  secrets: [WAREHOUSE_TOKEN]
  network: bridge
  limits: { memory: 512m, cpus: 2, pids: 256, timeout: 10m }
retries: { count: 2, backoff: 30s }
tasks:
  train:
    script: scripts/train.R
    runtime:
      image: r-base
      env: { REGION: us }
      secrets: [MODEL_KEY]
      limits: { memory: 4g, timeout: 2h30m }
    retries: { count: 0 }
  fetch:
    retries: { backoff: { initial: 10s, factor: 3, max: 5m } }
schedules:
  weekday-morning:
    cron: "0 6 * * 1-5"
    timezone: Europe/Berlin
    variables: { full: true }
    overlap: queue
    catchUp: all
  hourly: { cron: "@hourly" }
notifications:
  onFailure: [data-team]
`;

describe('parseSidecar', () => {
  it('reads every section with its units', () => {
    const s = parsed(FULL);
    expect(s.file).toBe('churn/churn.yaml');
    expect(s.runtime.limits).toEqual({ memory: 512 * 1024 ** 2, cpus: 2, pids: 256, timeout: 600_000 });
    expect(s.runtime.env).toEqual({ REGION: 'eu', WORKERS: '4', DEBUG: 'false' });
    expect(s.retries).toEqual({ count: 2, backoff: { initialMs: 30_000, factor: 1, maxMs: 30_000 } });
    expect(s.tasks.train?.runtime?.limits).toEqual({ memory: 4 * 1024 ** 3, timeout: 9_000_000 });
    expect(s.tasks.fetch?.retries?.backoff).toEqual({ initialMs: 10_000, factor: 3, maxMs: 300_000 });
    expect(s.schedules).toEqual([
      { id: 'weekday-morning', cron: '0 6 * * 1-5', timezone: 'Europe/Berlin', variables: { full: true }, overlap: 'queue', catchUp: 'all' },
      { id: 'hourly', cron: '@hourly', timezone: 'UTC', variables: {}, overlap: 'skip', catchUp: 'last' },
    ]);
    expect(s.notifications).toEqual({ onFailure: ['data-team'], onSuccess: [] });
  });

  it('treats an empty file as all defaults', () => {
    const s = parsed('');
    expect(s.tasks).toEqual({});
    expect(s.schedules).toEqual([]);
    expect(resolveTaskRuntime(s, 'any', 'python')).toEqual(resolveTaskRuntime(undefined, 'any', 'python'));
  });

  it('names the file, the key path, the line and the task of each mistake', () => {
    const result = parseSidecar(
      ['runtime:', '  limits:', '    timout: 10m', '    memory: lots', 'tasks:', '  train:', '    runtime: { limits: { timeout: soon } }', ''].join('\n'),
      'churn/churn.yaml',
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const byPath = Object.fromEntries(result.diagnostics.map((d) => [d.message.split(':')[0], d]));
    expect(byPath['runtime.limits.timout']).toMatchObject({ rule: 'pipelane/sidecar', file: 'churn/churn.yaml', line: 3 });
    expect(byPath['runtime.limits.memory']).toMatchObject({ line: 4, fix: expect.stringContaining('512m') });
    expect(byPath['tasks.train.runtime.limits.timeout']).toMatchObject({ element: 'train', line: 7, fix: expect.stringContaining('10m') });
  });

  it('refuses a task timeout under a second or over a week', () => {
    for (const timeout of ['0s', '30d']) {
      const result = parseSidecar(`runtime: { limits: { timeout: ${timeout} } }\n`, 'a.yaml');
      expect(result.ok, timeout).toBe(false);
      if (result.ok) continue;
      expect(result.diagnostics).toEqual([expect.objectContaining({ message: expect.stringContaining('between 1s and 7d'), fix: expect.stringContaining('7d') })]);
    }
    expect(parseSidecar('runtime: { limits: { timeout: 7d } }\n', 'a.yaml').ok).toBe(true);
  });

  it("refuses a secret that is one of the daemon's own settings", () => {
    const result = parseSidecar('runtime: { secrets: [WAREHOUSE_TOKEN, PIPELANE_TOKENS, GITHUB_TOKEN] }\n', 'a.yaml');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.diagnostics.map((d) => d.message)).toEqual([
      expect.stringMatching(/^runtime\.secrets\.1: is a setting of the daemon/),
      expect.stringMatching(/^runtime\.secrets\.2: is a setting of the daemon/),
    ]);
  });

  it('refuses bad schedules', () => {
    const result = parseSidecar('schedules:\n  s: { cron: "every day", timezone: Mars/Olympus, overlap: never }\n', 'a.yaml');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.diagnostics.map((d) => d.message.split(':')[0]).sort()).toEqual([
      'schedules.s.cron',
      'schedules.s.overlap',
      'schedules.s.timezone',
    ]);
  });

  it('reports YAML syntax errors with a line', () => {
    const result = parseSidecar('runtime:\n  env: [\n', 'a.yaml');
    expect(result).toMatchObject({ ok: false, diagnostics: [{ rule: 'pipelane/sidecar', file: 'a.yaml' }] });
  });

  it('refuses secret names that are not environment variable names', () => {
    expect(parseSidecar('runtime: { secrets: ["my-token"] }', 'a.yaml').ok).toBe(false);
  });
});

describe('resolveTaskRuntime', () => {
  it('applies the defaults when there is no sidecar', () => {
    expect(resolveTaskRuntime(undefined, 'fetch', 'python')).toEqual({
      image: DEFAULT_IMAGE,
      env: {},
      secretNames: [],
      network: 'none',
      limits: DEFAULT_LIMITS,
      retries: { count: 0, backoff: { initialMs: 30_000, factor: 2, maxMs: 960_000 } },
    });
    expect(DEFAULT_IMAGE).toBe('pipelane/runtime:local');
    expect(DEFAULT_LIMITS.pids).toBe(512);
  });

  it('picks the image by language, then the default entry', () => {
    const s = parsed(FULL);
    expect(resolveTaskRuntime(s, 'fetch', 'python').image).toBe('python:3.12-slim');
    expect(resolveTaskRuntime(s, 'fetch', 'bash').image).toBe('debian:bookworm');
  });

  it('lets a task override each setting, merging env and secrets', () => {
    const rt = resolveTaskRuntime(parsed(FULL), 'train', 'r');
    expect(rt).toEqual({
      image: 'r-base',
      env: { REGION: 'us', WORKERS: '4', DEBUG: 'false' },
      secretNames: ['WAREHOUSE_TOKEN', 'MODEL_KEY'],
      network: 'bridge',
      limits: { memoryBytes: 4 * 1024 ** 3, cpus: 2, pids: 256, timeoutMs: 9_000_000 },
      retries: { count: 0, backoff: { initialMs: 30_000, factor: 1, maxMs: 30_000 } },
    });
    expect(resolveTaskRuntime(parsed(FULL), 'fetch', 'python').retries).toEqual({
      count: 2,
      backoff: { initialMs: 10_000, factor: 3, maxMs: 300_000 },
    });
  });
});
