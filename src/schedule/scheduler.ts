/**
 * Fires the schedules the reconciler stored: one clock callback armed for
 * the earliest next fire (like the runtime's TimerWheel), and every decision
 * about a fire — started, skipped, queued, failed — committed in the same
 * transaction as the claim of (schedule id, fire time). A restart therefore
 * never fires a time twice, and a fire that was decided is never lost.
 *
 * Missed fires (their time passed while the daemon was down, or the host
 * slept) follow the schedule's catch-up policy; each fire that is due then
 * follows the overlap policy. The time arithmetic is pure and lives in
 * scheduler-triggers.ts and scheduler-catch-up.ts.
 */
import { toError } from '../errors.js';
import type { Clock } from '../ports/clock.js';
import type { FireRecord, GitOpsStore, ScheduleRecord } from '../ports/gitops-store.js';
import { silentLog, type Log } from '../ports/log.js';
import type { Store } from '../ports/store.js';
import { dueFires } from './scheduler-catch-up.js';
import { definitionKey } from './scheduler-sources.js';
import { compileTrigger, type CompiledTrigger } from './scheduler-triggers.js';

/** The idempotency scope of fires: key `<schedule id>@<fire time in ms>`. */
export const FIRE_SCOPE = 'schedule-fire';

export interface ScheduleStartRequest {
  processId: string;
  deploymentId: string;
  startEventId?: string;
  variables: Record<string, unknown>;
  actor: string;
}

/** Starts an instance; `alsoInTransaction` runs in the transaction that creates it (throwing rolls it back). */
export interface ScheduleStarter {
  start(request: ScheduleStartRequest, alsoInTransaction: (instanceId: string) => void): string;
}

export interface SchedulerOptions {
  store: Pick<Store, 'transaction' | 'claimOnce' | 'getInstance'>;
  schedules: GitOpsStore;
  clock: Clock;
  starter: ScheduleStarter;
  log?: Log;
  /** A fire handled later than this after its time counts as missed (the host slept, the loop stalled). */
  missedAfterMs?: number;
  /** `overlap: queue` keeps at most this many waiting fires; more are skipped. */
  maxQueued?: number;
}

interface Entry {
  record: ScheduleRecord;
  trigger?: CompiledTrigger;
  /** The first fire not decided yet. */
  next?: number;
}

/** Thrown inside a start's transaction to roll it back: the fire was claimed before (by an earlier run). */
class AlreadyFired extends Error {}

export class Scheduler {
  private readonly entries = new Map<string, Entry>();
  private readonly log: Log;
  private readonly missedAfterMs: number;
  private readonly maxQueued: number;
  private cancelArm: (() => void) | undefined;
  private armedFor: number | undefined;
  private started = false;
  private draining = false;

  constructor(private readonly options: SchedulerOptions) {
    this.log = options.log ?? silentLog;
    this.missedAfterMs = options.missedAfterMs ?? 60_000;
    this.maxQueued = options.maxQueued ?? 100;
  }

  /** Loads the active schedules; every fire due by now was missed while the daemon was down. */
  start(): void {
    this.started = true;
    this.load();
    this.tick(this.options.clock.now());
  }

  /** Re-reads the schedules after a reconcile changed them. */
  reload(): void {
    if (!this.started) return;
    this.load();
    this.tick();
  }

  /** An instance ended: a queued fire of its schedule may start now. */
  instanceEnded(): void {
    if (this.started) this.drainQueues();
  }

  stop(): void {
    this.started = false;
    this.disarm();
  }

  /** The first fire not decided yet, as the scheduler sees it; undefined for a schedule it does not hold. */
  nextFireOf(id: string): { at: number | undefined } | undefined {
    const entry = this.entries.get(id);
    return entry && { at: entry.next };
  }

  /** Reads the active schedules; an unchanged one keeps its compiled trigger and next fire. */
  private load(): void {
    const previous = new Map(this.entries);
    this.entries.clear();
    for (const record of this.options.schedules.listSchedules({ state: 'active' })) {
      const old = previous.get(record.id);
      if (old?.trigger && old.record.since === record.since && definitionKey(old.record) === definitionKey(record)) {
        const next = old.record.handledThrough === record.handledThrough ? old.next : old.trigger.next(record.handledThrough);
        this.entries.set(record.id, { record, trigger: old.trigger, ...(next === undefined ? {} : { next }) });
        continue;
      }
      const compiled = compileTrigger(record.trigger, record.since);
      if (!compiled.ok) {
        this.log.warn({ schedule: record.id, file: record.file }, `schedule ${record.id} cannot fire: ${compiled.message}`);
        this.entries.set(record.id, { record });
        continue;
      }
      this.entries.set(record.id, { record, trigger: compiled.value, next: compiled.value.next(record.handledThrough) });
    }
  }

  /** Decides every due fire; `missedThrough` defaults to "later than missedAfterMs". */
  private tick(missedThrough?: number): void {
    if (!this.started) return;
    const now = this.options.clock.now();
    const missed = missedThrough ?? now - this.missedAfterMs;
    for (const entry of this.entries.values()) {
      if (entry.trigger && entry.next !== undefined && entry.next <= now) this.runDue(entry, entry.trigger, now, missed);
    }
    this.drainQueues();
    this.arm();
  }

  private runDue(entry: Entry, trigger: CompiledTrigger, now: number, missedThrough: number): void {
    const { schedules, store } = this.options;
    const due = dueFires({ trigger, handledThrough: entry.record.handledThrough, missedThrough, now, catchUp: entry.record.catchUp });
    if (due.dropped > 0) {
      this.log.info({ schedule: entry.record.id, dropped: due.dropped, catchUp: entry.record.catchUp }, `${due.dropped} missed fire(s) of ${entry.record.id} not run (catchUp: ${entry.record.catchUp})`);
    }
    for (const fireAt of due.run) this.fire(entry.record, fireAt, now);
    store.transaction(() => {
      const current = schedules.getSchedule(entry.record.id);
      if (!current) return;
      entry.record = { ...current, handledThrough: Math.max(current.handledThrough, due.handledThrough) };
      schedules.putSchedule(entry.record);
    });
    entry.next = trigger.next(entry.record.handledThrough);
  }

  private fire(record: ScheduleRecord, fireAt: number, now: number): void {
    const running = record.overlap === 'allow' ? [] : this.runningInstances(record.id);
    if (running.length > 0 && record.overlap === 'skip') {
      this.decide(record, fireAt, now, { outcome: 'skipped', reason: `instance ${running[0]} of the schedule is still running (overlap: skip)` });
      return;
    }
    if (running.length > 0 && record.overlap === 'queue') {
      const full = this.options.schedules.queuedFires(record.id, this.maxQueued).length >= this.maxQueued;
      this.decide(record, fireAt, now, full ? { outcome: 'skipped', reason: `${this.maxQueued} fires are queued already (overlap: queue)` } : { outcome: 'queued' });
      return;
    }
    this.startFire(record, fireAt, now);
  }

  /** Starts an instance for the fire; the claim, the fire record and the instance commit together. */
  private startFire(record: ScheduleRecord, fireAt: number, now: number, queued = false): boolean {
    const { schedules, store, starter } = this.options;
    try {
      const instanceId = starter.start(
        {
          processId: record.processId,
          deploymentId: record.deploymentId,
          ...(record.startEventId ? { startEventId: record.startEventId } : {}),
          variables: record.variables,
          actor: `schedule:${record.id}`,
        },
        (id) => {
          if (!queued && !store.claimOnce(FIRE_SCOPE, `${record.id}@${fireAt}`, now)) throw new AlreadyFired();
          schedules.putFire({ scheduleId: record.id, fireAt, outcome: 'started', decidedAt: now, instanceId: id, open: true });
          const current = schedules.getSchedule(record.id) ?? record;
          schedules.putSchedule({ ...current, handledThrough: Math.max(current.handledThrough, fireAt), lastFireAt: Math.max(current.lastFireAt ?? 0, fireAt) });
        },
      );
      this.log.info({ schedule: record.id, fireAt: new Date(fireAt).toISOString(), instance: instanceId }, `schedule ${record.id} started instance ${instanceId}`);
      return true;
    } catch (e) {
      if (e instanceof AlreadyFired) return false;
      const error = toError(e);
      this.log.error({ schedule: record.id, fireAt: new Date(fireAt).toISOString(), code: error.code }, `schedule ${record.id} could not start an instance: ${error.message}`);
      if (queued) this.options.store.transaction(() => schedules.putFire({ scheduleId: record.id, fireAt, outcome: 'failed', decidedAt: now, reason: error.message, open: false }));
      else this.decide(record, fireAt, now, { outcome: 'failed', reason: error.message });
      return false;
    }
  }

  /** Records a fire that started nothing, once. */
  private decide(record: ScheduleRecord, fireAt: number, now: number, fire: Pick<FireRecord, 'outcome' | 'reason'>): void {
    const { schedules, store } = this.options;
    store.transaction(() => {
      if (!store.claimOnce(FIRE_SCOPE, `${record.id}@${fireAt}`, now)) return;
      schedules.putFire({ scheduleId: record.id, fireAt, decidedAt: now, open: false, ...fire });
      const current = schedules.getSchedule(record.id) ?? record;
      schedules.putSchedule({ ...current, handledThrough: Math.max(current.handledThrough, fireAt) });
    });
    if (fire.outcome !== 'failed') this.log.info({ schedule: record.id, fireAt: new Date(fireAt).toISOString(), reason: fire.reason }, `fire of ${record.id} ${fire.outcome}`);
  }

  /** Instances started by the schedule that still run; fires whose instance ended are closed on the way. */
  private runningInstances(scheduleId: string): string[] {
    const { schedules, store } = this.options;
    const running: string[] = [];
    for (const fire of schedules.listFires(scheduleId, { open: true, limit: 1000 })) {
      const status = fire.instanceId === undefined ? undefined : store.getInstance(fire.instanceId)?.status;
      if (status === 'running') running.push(fire.instanceId!);
      else schedules.putFire({ ...fire, open: false });
    }
    return running;
  }

  /** Starts the oldest queued fire of each `overlap: queue` schedule that has nothing running. */
  private drainQueues(): void {
    if (this.draining) return;
    this.draining = true;
    try {
      for (const { record } of this.entries.values()) {
        if (record.overlap !== 'queue') continue;
        const [oldest] = this.options.schedules.queuedFires(record.id, 1);
        if (oldest && this.runningInstances(record.id).length === 0) this.startFire(record, oldest.fireAt, this.options.clock.now(), true);
      }
    } finally {
      this.draining = false;
    }
  }

  private arm(): void {
    let earliest: number | undefined;
    for (const entry of this.entries.values()) {
      if (entry.next !== undefined && (earliest === undefined || entry.next < earliest)) earliest = entry.next;
    }
    if (earliest === this.armedFor) return;
    this.disarm();
    if (earliest === undefined) return;
    this.armedFor = earliest;
    this.cancelArm = this.options.clock.at(earliest, () => {
      this.armedFor = undefined;
      this.cancelArm = undefined;
      this.tick();
    });
  }

  private disarm(): void {
    this.cancelArm?.();
    this.cancelArm = undefined;
    this.armedFor = undefined;
  }
}
