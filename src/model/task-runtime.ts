/**
 * The settings one script task runs with: the sidecar's `runtime` and
 * `retries`, overridden by `tasks.<elementId>`, over Pipelane's defaults. Pure.
 */
import type { ScriptLanguage } from './script-language.js';
import type { Backoff, RuntimeSettings, Sidecar } from './sidecar.js';

export interface TaskLimits {
  memoryBytes: number;
  cpus: number;
  pids: number;
  timeoutMs: number;
}

export interface TaskRuntime {
  image: string;
  env: Readonly<Record<string, string>>;
  /** Names of the daemon's environment variables to pass in; the caller resolves their values. */
  secretNames: readonly string[];
  network: string;
  limits: TaskLimits;
  retries: { count: number; backoff: Backoff };
}

export const DEFAULT_IMAGE = 'pipelane/runtime:local';

/**
 * Defaults, chosen for analytics scripts on a shared machine:
 * - memory 1g: enough for pandas/R data frames of a few hundred MB, small
 *   enough that four tasks in parallel fit on an 8 GB host;
 * - cpus 1: parallel branches share the host fairly; a task asks for more;
 * - pids 512: stops a fork bomb, leaves room for R/Python worker pools;
 * - timeout 1h: a stuck task is noticed the same working hour, while model
 *   training that legitimately takes long sets its own;
 * - retries 0: a failure is reported at once unless the author says a task
 *   is worth retrying (30 s, doubling, when only the count is given).
 */
export const DEFAULT_LIMITS: TaskLimits = {
  memoryBytes: 1024 ** 3,
  cpus: 1,
  pids: 512,
  timeoutMs: 60 * 60 * 1000,
};
export const DEFAULT_BACKOFF: Backoff = { initialMs: 30_000, factor: 2, maxMs: 16 * 60_000 };
export const DEFAULT_NETWORK = 'none';

/** Resolves the runtime of one task. `sidecar` may be undefined when the model has none. */
export function resolveTaskRuntime(
  sidecar: Pick<Sidecar, 'runtime' | 'retries' | 'tasks'> | undefined,
  elementId: string,
  language: ScriptLanguage,
): TaskRuntime {
  const base = sidecar?.runtime ?? {};
  const task = sidecar?.tasks[elementId];
  const over = task?.runtime ?? {};
  return {
    image: imageFor(over, language) ?? imageFor(base, language) ?? DEFAULT_IMAGE,
    env: { ...base.env, ...over.env },
    secretNames: [...new Set([...(base.secrets ?? []), ...(over.secrets ?? [])])],
    network: over.network ?? base.network ?? DEFAULT_NETWORK,
    limits: {
      memoryBytes: over.limits?.memory ?? base.limits?.memory ?? DEFAULT_LIMITS.memoryBytes,
      cpus: over.limits?.cpus ?? base.limits?.cpus ?? DEFAULT_LIMITS.cpus,
      pids: over.limits?.pids ?? base.limits?.pids ?? DEFAULT_LIMITS.pids,
      timeoutMs: over.limits?.timeout ?? base.limits?.timeout ?? DEFAULT_LIMITS.timeoutMs,
    },
    retries: {
      count: task?.retries?.count ?? sidecar?.retries.count ?? 0,
      backoff: task?.retries?.backoff ?? sidecar?.retries.backoff ?? DEFAULT_BACKOFF,
    },
  };
}

/** An image named for the language wins over the `default` entry; a plain string applies to all. */
function imageFor(settings: RuntimeSettings, language: ScriptLanguage): string | undefined {
  const image = settings.image;
  if (image === undefined || typeof image === 'string') return image;
  return image[language] ?? image.default;
}
