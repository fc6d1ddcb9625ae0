import type { Clock } from '../ports/clock.js';
import type { Store, TimerRecord } from '../ports/store.js';

/** How long a timer that could not be handed over waits before the next try. */
const RETRY_MS = 5_000;
const BATCH = 100;

/**
 * Durable timers, with only the next one held in memory: however many
 * timers are parked in the store, one clock callback is armed, for the
 * earliest. When it fires, every timer due by then is handed over. A timer
 * whose hand-over fails (the store refused it: a full disk) is held back
 * and tried again later; the others go on.
 */
export class TimerWheel {
  private armedFor: number | undefined;
  private cancel: (() => void) | undefined;
  private stopped = false;
  /** Timers whose hand-over failed, by id: when to try each again. */
  private readonly held = new Map<string, number>();

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly onDue: (timer: TimerRecord) => void,
    /** A timer could not be handed over; it stays in the store and is tried again. */
    private readonly onError: (timer: TimerRecord, error: unknown) => void,
  ) {}

  /** Re-reads the earliest timer; call after timers were added or removed. */
  refresh(): void {
    if (this.stopped) return;
    const next = this.nextFire();
    if (next === undefined) {
      this.disarm();
      return;
    }
    if (this.armedFor !== undefined && this.armedFor <= next) return;
    this.disarm();
    this.armedFor = next;
    this.cancel = this.clock.at(next, () => this.fire());
  }

  /** The earliest time something is to be done: a timer's due time, or a held one's next try. */
  private nextFire(): number | undefined {
    if (this.held.size === 0) return this.store.nextTimer()?.dueAt;
    // Earliest first: the first timer not held is the earliest one to fire; held ones before it count by their next try.
    let next: number | undefined;
    for (const timer of this.store.dueTimers(Number.MAX_SAFE_INTEGER, this.held.size + 1)) {
      const retryAt = this.held.get(timer.id);
      next = Math.min(next ?? Number.POSITIVE_INFINITY, retryAt ?? timer.dueAt);
      if (retryAt === undefined) break;
    }
    return next;
  }

  private fire(): void {
    this.armedFor = undefined;
    this.cancel = undefined;
    if (this.stopped) return;
    const now = this.clock.now();
    for (;;) {
      const due = this.store.dueTimers(now, BATCH + this.held.size);
      let handed = 0;
      for (const timer of due) {
        const retryAt = this.held.get(timer.id);
        if (retryAt !== undefined && retryAt > now) continue;
        try {
          this.onDue(timer);
          this.held.delete(timer.id);
          handed += 1;
        } catch (error) {
          this.onError(timer, error);
          this.held.set(timer.id, now + RETRY_MS);
        }
      }
      if (handed === 0 || due.length < BATCH + this.held.size) break;
    }
    this.forgetGone();
    this.refresh();
  }

  /** Held timers that are no longer stored (cancelled meanwhile) are forgotten. */
  private forgetGone(): void {
    for (const id of this.held.keys()) if (!this.store.getTimer(id)) this.held.delete(id);
  }

  private disarm(): void {
    this.cancel?.();
    this.cancel = undefined;
    this.armedFor = undefined;
  }

  stop(): void {
    this.stopped = true;
    this.disarm();
  }
}
