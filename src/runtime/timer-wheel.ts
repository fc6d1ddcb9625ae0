import type { Clock } from '../ports/clock.js';
import type { Store, TimerRecord } from '../ports/store.js';

/** How long a timer that could not be handed over waits before the next try. */
const RETRY_MS = 5_000;

/**
 * Durable timers, with only the next one held in memory: however many
 * timers are parked in the store, one clock callback is armed, for the
 * earliest. When it fires, every timer due by then is handed over.
 */
export class TimerWheel {
  private armedFor: number | undefined;
  private cancel: (() => void) | undefined;
  private stopped = false;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly onDue: (timer: TimerRecord) => void,
    /** A timer could not be handed over (the store failed: a full disk); it stays and is tried again. */
    private readonly onError: (timer: TimerRecord, error: unknown) => void,
  ) {}

  /** Re-reads the earliest timer; call after timers were added or removed. */
  refresh(): void {
    if (this.stopped) return;
    const next = this.store.nextTimer();
    if (!next) {
      this.disarm();
      return;
    }
    if (this.armedFor !== undefined && this.armedFor <= next.dueAt) return;
    this.disarm();
    this.armedFor = next.dueAt;
    this.cancel = this.clock.at(next.dueAt, () => this.fire());
  }

  private fire(): void {
    this.armedFor = undefined;
    this.cancel = undefined;
    if (this.stopped) return;
    for (;;) {
      const due = this.store.dueTimers(this.clock.now(), 100);
      if (due.length === 0) break;
      for (const timer of due) {
        try {
          this.onDue(timer);
        } catch (error) {
          // The timer is still in the store: try again shortly rather than spin or die.
          this.onError(timer, error);
          this.armedFor = this.clock.now() + RETRY_MS;
          this.cancel = this.clock.at(this.armedFor, () => this.fire());
          return;
        }
      }
      if (due.length < 100) break;
    }
    this.refresh();
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
