/**
 * Tells job outcomes apart: the script's own report (output or BPMN error),
 * a non-zero exit, a timeout, an out-of-memory kill, a cancellation, and the
 * engine's refusals (no such image, engine unreachable). Pure.
 */
import { DEFAULT_IMAGE } from '../../model/task-runtime.js';
import { formatDuration, formatMemory } from '../../model/units.js';
import type { JobOutcome } from '../../ports/container-runner.js';

type Failed = Extract<JobOutcome, { kind: 'failed' }>;

export interface ExitFacts {
  exitCode: number;
  /** Pipelane killed the container because its timeout passed. */
  timedOut: boolean;
  /** Pipelane killed the container because the job was cancelled. */
  cancelled: boolean;
  /** The kernel killed a process of the container for exceeding its memory limit. */
  oomKilled: boolean;
  memoryBytes: number;
  timeoutMs: number;
  stderrTail: string[];
  /** What the script wrote to $PIPELANE_OUTPUT / $PIPELANE_ERROR, if it settles the outcome. */
  scriptResult: JobOutcome | undefined;
}

export function exitOutcome(facts: ExitFacts): JobOutcome {
  const tail = facts.stderrTail.length > 0 ? { stderrTail: facts.stderrTail } : {};
  if (facts.cancelled) return { kind: 'failed', reason: 'cancelled', message: 'cancelled: the container was killed' };
  if (facts.timedOut) {
    return { kind: 'failed', reason: 'timeout', message: `timed out after ${formatDuration(facts.timeoutMs)}`, ...tail };
  }
  if (facts.oomKilled) {
    return {
      kind: 'failed',
      reason: 'oom',
      message: `killed: out of memory (limit ${formatMemory(facts.memoryBytes)})`,
      exitCode: facts.exitCode,
      ...tail,
    };
  }
  if (facts.scriptResult) return facts.scriptResult;
  const killed = facts.exitCode === 137 ? ' (killed by SIGKILL)' : facts.exitCode === 143 ? ' (terminated by SIGTERM)' : '';
  return {
    kind: 'failed',
    reason: 'exit',
    message: `the script exited with code ${facts.exitCode}${killed}`,
    exitCode: facts.exitCode,
    ...tail,
  };
}

interface EngineError {
  code?: string;
  statusCode?: number;
  json?: { message?: string } | null;
  message?: string;
}

const CONNECTION_CODES = new Set([
  'ENOENT', 'ECONNREFUSED', 'ECONNRESET', 'EACCES', 'EPERM', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE',
]);

/** Whether an error from dockerode means the engine could not be reached at all. */
export function isUnreachable(err: unknown): boolean {
  const e = err as EngineError;
  return typeof e?.code === 'string' && CONNECTION_CODES.has(e.code);
}

export function isNotFound(err: unknown): boolean {
  return (err as EngineError)?.statusCode === 404;
}

export function isConflict(err: unknown): boolean {
  return (err as EngineError)?.statusCode === 409;
}

/** What to report when the engine refused or could not be reached. */
export function engineFailure(err: unknown, image: string, engine: string): Failed {
  const e = err as EngineError;
  if (isUnreachable(err)) {
    const why = e.code === 'ENOENT' ? 'no such socket' : e.code === 'EACCES' ? 'permission denied' : e.code;
    const fix =
      e.code === 'EACCES'
        ? "give the daemon's user access to the socket (the docker group)"
        : 'start Docker (scripts/start-docker.sh) or set DOCKER_HOST to a running engine';
    return { kind: 'failed', reason: 'engine-unreachable', message: `cannot reach the Docker engine at ${engine} (${why}): ${fix}` };
  }
  const engineMessage = e?.json?.message ?? e?.message ?? String(err);
  if (e?.statusCode === 404 && /no such image/i.test(engineMessage)) {
    const how =
      image === DEFAULT_IMAGE
        ? `build it with scripts/build-runtime-image.sh (as root, on the engine's host)`
        : `pull it with "docker pull ${image}"`;
    return {
      kind: 'failed',
      reason: 'image-missing',
      message: `the image ${image} is not on the Docker engine at ${engine}: ${how}, or name another image in the sidecar's runtime.image`,
    };
  }
  return { kind: 'failed', reason: 'engine-error', message: `the Docker engine at ${engine} refused the container: ${engineMessage}` };
}
