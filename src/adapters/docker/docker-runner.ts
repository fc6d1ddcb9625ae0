/**
 * ContainerRunner on a Docker engine, through dockerode. One job, one fresh
 * container named after the job id: create, write the control files, start,
 * stream the log while waiting, classify the exit, read the script's report,
 * answer. The container stays until the caller has stored the outcome and
 * releases it; then nothing is left behind but the log the caller stored and
 * the files the script wrote to /workspace.
 */
import { mkdir } from 'node:fs/promises';
import type Docker from 'dockerode';
import { PipelaneError } from '../../errors.js';
import type {
  ContainerRunner,
  JobOutcome,
  LogLine,
  ReattachOptions,
  ScriptJob,
} from '../../ports/container-runner.js';
import { connect } from './connection.js';
import { containerSpec } from './container-spec.js';
import { controlFilesOf, readScriptResult, removeControlFiles, writeControlFiles } from './control-files.js';
import { containerName, LABEL } from './labels.js';
import { readContainerLog } from './container-log.js';
import { engineFailure, exitOutcome, isConflict, isNotFound, isUnreachable } from './outcome.js';
import { type Mask, secretMask } from './secret-mask.js';

export interface DockerRunnerOptions {
  /** DOCKER_HOST as the user wrote it (`unix:///…`, `tcp://…`, `ssh://…`); the local socket when absent. */
  dockerHost?: string;
  /** How many of the last stderr lines a failure reports. */
  stderrTailLines?: number;
}

/** What following a container needs to know about its job; from the job itself, or from labels after a crash. */
interface Watch {
  jobId: string;
  controlDir: string;
  timeoutMs: number;
  memoryBytes: number;
  mask: Mask;
}

/** A dockerode call failed: the job's outcome is the engine's refusal, not a bug. */
class EngineCallError extends Error {
  constructor(readonly original: unknown) {
    super('Docker engine call failed');
  }
}

const engineCall = <T>(promise: Promise<T>): Promise<T> =>
  promise.catch((err: unknown) => {
    throw new EngineCallError(err);
  });

export class DockerContainerRunner implements ContainerRunner {
  private readonly docker: Docker;
  private readonly engine: string;
  private readonly tailLines: number;
  /** Jobs this runner is following, by id, so cancel() can tell run() why its container died. */
  private readonly following = new Map<string, { cancel(): Promise<void> }>();
  /** Runs in progress, by job id: the same command applied twice waits for the one container. */
  private readonly inFlight = new Map<string, Promise<JobOutcome>>();

  constructor(options: DockerRunnerOptions = {}) {
    const { docker, address } = connect(options.dockerHost);
    this.docker = docker;
    this.engine = address.description;
    this.tailLines = options.stderrTailLines ?? 20;
  }

  run(job: ScriptJob, onLog: (line: LogLine) => void, signal?: AbortSignal): Promise<JobOutcome> {
    const running = this.inFlight.get(job.jobId);
    if (running) return running;
    const outcome = this.runOnce(job, onLog, signal).finally(() => this.inFlight.delete(job.jobId));
    this.inFlight.set(job.jobId, outcome);
    return outcome;
  }

  private async runOnce(job: ScriptJob, onLog: (line: LogLine) => void, signal?: AbortSignal): Promise<JobOutcome> {
    if (signal?.aborted) return { kind: 'failed', reason: 'cancelled', message: 'cancelled before the container started' };
    const files = controlFilesOf(job);
    try {
      await mkdir(job.workspaceDir, { recursive: true });
      let container: Docker.Container;
      try {
        container = await this.docker.createContainer(containerSpec(job, files));
      } catch (err) {
        if (!isConflict(err)) throw new EngineCallError(err);
        // The command was replayed: the job's container exists already; follow it, not a second one.
        // A container of an earlier attempt is that attempt's, never this one's outcome: it goes.
        if (await this.isEarlierAttempt(job)) await this.removeJob(job.jobId, 'replace');
        else {
          const outcome = await this.reattach(job.jobId, onLog);
          if (outcome) return outcome;
        }
        container = await engineCall(this.docker.createContainer(containerSpec(job, files)));
      }
      try {
        await writeControlFiles(job, files);
        await engineCall(container.start());
      } catch (err) {
        await this.remove(container, files.hostDir).catch(() => undefined);
        throw err;
      }
      const watch: Watch = {
        jobId: job.jobId,
        controlDir: files.hostDir,
        timeoutMs: job.runtime.limits.timeoutMs,
        memoryBytes: job.runtime.limits.memoryBytes,
        mask: secretMask(Object.values(job.runtime.secrets)),
      };
      return await this.follow(container, watch, { running: true, elapsedMs: 0 }, onLog, signal);
    } catch (err) {
      if (err instanceof EngineCallError) return engineFailure(err.original, job.runtime.image, this.engine);
      if (err instanceof PipelaneError) throw err;
      throw new PipelaneError('INTERNAL', `job ${job.jobId}: cannot prepare ${files.hostDir}: ${String(err)}`, {
        elementId: job.elementId,
        cause: err,
      });
    }
  }

  async reattach(jobId: string, onLog: (line: LogLine) => void, options: ReattachOptions = {}): Promise<JobOutcome | undefined> {
    const container = this.docker.getContainer(containerName(jobId));
    let info: Docker.ContainerInspectInfo;
    try {
      info = await container.inspect();
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw this.engineError(err, `cannot inspect the container of job ${jobId}`);
    }
    const labels = info.Config.Labels ?? {};
    const controlDir = labels[LABEL.controlDir] ?? '';
    if (info.State.Status === 'created') {
      // It never ran: forget it, and let the caller run the job afresh.
      await this.remove(container, controlDir);
      return undefined;
    }
    const env = new Map((info.Config.Env ?? []).map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]));
    const secretNames = (labels[LABEL.secrets] ?? '').split(',').filter((n) => n !== '');
    const watch: Watch = {
      jobId,
      controlDir,
      timeoutMs: Number(labels[LABEL.timeoutMs] ?? Number.POSITIVE_INFINITY),
      memoryBytes: info.HostConfig.Memory ?? 0,
      mask: secretMask(secretNames.map((n) => env.get(n) ?? '')),
    };
    const startedAt = Date.parse(info.State.StartedAt);
    const endedAt = info.State.Running ? Date.now() : Date.parse(info.State.FinishedAt);
    const after = options.logsAfter;
    const filtered = after === undefined ? onLog : (line: LogLine) => void (line.at > after && onLog(line));
    try {
      return await this.follow(container, watch, { running: info.State.Running, elapsedMs: endedAt - startedAt }, filtered, options.signal);
    } catch (err) {
      if (err instanceof EngineCallError) throw this.engineError(err.original, `cannot follow the container of job ${jobId}`);
      throw err;
    }
  }

  async cancel(jobId: string): Promise<void> {
    const active = this.following.get(jobId);
    if (active) return active.cancel();
    await this.removeJob(jobId, 'cancel');
  }

  private async isEarlierAttempt(job: ScriptJob): Promise<boolean> {
    const info = await engineCall(this.docker.getContainer(containerName(job.jobId)).inspect()).catch(() => undefined);
    const attempt = Number(info?.Config.Labels?.[LABEL.attempt] ?? job.attempt);
    return attempt < job.attempt;
  }

  release(jobId: string): Promise<void> {
    return this.removeJob(jobId, 'release');
  }

  async containers(): Promise<string[]> {
    try {
      const found = await this.docker.listContainers({ all: true, filters: { label: [LABEL.job] } });
      return found.map((c) => c.Labels[LABEL.job]).filter((id): id is string => id !== undefined);
    } catch (err) {
      throw this.engineError(err, 'cannot list the containers of jobs');
    }
  }

  private async removeJob(jobId: string, what: string): Promise<void> {
    const container = this.docker.getContainer(containerName(jobId));
    try {
      const info = await container.inspect();
      await this.remove(container, info.Config.Labels?.[LABEL.controlDir] ?? '');
    } catch (err) {
      if (!isNotFound(err)) throw this.engineError(err, `cannot ${what} job ${jobId}`);
    }
  }

  /** Streams the log until the container exits, enforcing the timeout; then collects the outcome. */
  private async follow(
    container: Docker.Container,
    watch: Watch,
    state: { running: boolean; elapsedMs: number },
    onLog: (line: LogLine) => void,
    signal?: AbortSignal,
  ): Promise<JobOutcome> {
    const flags = { timedOut: false, cancelled: false };
    const kill = () => container.kill().then(
      () => undefined,
      () => undefined, // already exited (409) or gone (404): nothing to kill
    );
    const stderrTail: string[] = [];
    const deliver = (line: LogLine) => {
      const masked = { ...line, text: watch.mask(line.text) };
      if (masked.stream === 'stderr') {
        stderrTail.push(masked.text);
        if (stderrTail.length > this.tailLines) stderrTail.shift();
      }
      onLog(masked);
    };
    const cancel = () => {
      flags.cancelled = true;
      return kill();
    };
    const onAbort = () => void cancel();
    this.following.set(watch.jobId, { cancel });
    signal?.addEventListener('abort', onAbort, { once: true });
    if (signal?.aborted) onAbort(); // aborted while the container was being created
    const timer = state.running
      ? deadline(Math.max(0, watch.timeoutMs - state.elapsedMs), () => {
          flags.timedOut = true;
          void kill();
        })
      : undefined;
    let exitCode: number;
    try {
      const [, waited] = await Promise.all([
        engineCall(readContainerLog(container, deliver)),
        engineCall(container.wait() as Promise<{ StatusCode: number }>),
      ]);
      exitCode = waited.StatusCode;
    } finally {
      timer?.clear();
      signal?.removeEventListener('abort', onAbort);
      this.following.delete(watch.jobId);
    }
    if (!state.running && exitCode === 137 && state.elapsedMs >= watch.timeoutMs) flags.timedOut = true;
    // Only a failed exit can be an OOM kill; a successful job costs no extra inspect.
    const oomKilled =
      exitCode !== 0 && !flags.timedOut && !flags.cancelled
        ? ((await engineCall(container.inspect())).State.OOMKilled ?? false)
        : false;
    const reported =
      flags.timedOut || flags.cancelled || oomKilled ? undefined : await readScriptResult(watch.controlDir, exitCode);
    // An error's message is shown like a log line (job record, incident, errorMessage): masked like one.
    const scriptResult = reported?.kind === 'bpmnError' ? { ...reported, message: watch.mask(reported.message) } : reported;
    // A cancelled job has no outcome to store: nothing to keep its container for.
    if (flags.cancelled) await this.remove(container, watch.controlDir);
    return exitOutcome({
      exitCode,
      ...flags,
      oomKilled,
      memoryBytes: watch.memoryBytes,
      timeoutMs: watch.timeoutMs,
      stderrTail,
      scriptResult,
    });
  }

  /** Removes the container and the job's control files; a container already gone is fine. */
  private async remove(container: Docker.Container, controlDir: string): Promise<void> {
    await container.remove({ force: true }).catch((err: unknown) => {
      if (!isNotFound(err) && !isConflict(err)) throw this.engineError(err, `cannot remove container ${container.id}`);
    });
    if (controlDir !== '') await removeControlFiles(controlDir);
  }

  private engineError(err: unknown, what: string): PipelaneError {
    const failure = engineFailure(err, '', this.engine);
    return new PipelaneError(isUnreachable(err) ? 'DOCKER_UNREACHABLE' : 'INTERNAL', `${what}: ${failure.message}`, {
      cause: err,
    });
  }
}

/** setTimeout's delay is a 32-bit count of milliseconds: a longer one would fire at once. */
const MAX_DELAY_MS = 2 ** 31 - 1;

/** Calls `fire` after `ms`, however long (an infinite deadline never fires). */
function deadline(ms: number, fire: () => void): { clear(): void } {
  let handle: NodeJS.Timeout | undefined;
  const arm = (left: number) => {
    if (!Number.isFinite(left)) return;
    handle = left > MAX_DELAY_MS ? setTimeout(() => arm(left - MAX_DELAY_MS), MAX_DELAY_MS) : setTimeout(fire, left);
  };
  arm(ms);
  return { clear: () => clearTimeout(handle) };
}
