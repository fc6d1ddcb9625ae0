import type { Clock } from '../../../src/ports/clock.js';

/** A Clock that moves only when told: callbacks run at their time, in order, as time is advanced. */
export class VirtualClock implements Clock {
  private readonly pending = new Map<number, { at: number; fn: () => void }>();
  private seq = 0;

  constructor(private time: number) {}

  now(): number {
    return this.time;
  }

  at(at: number, fn: () => void): () => void {
    const id = ++this.seq;
    this.pending.set(id, { at, fn });
    return () => this.pending.delete(id);
  }

  /** Runs every callback due by `to`, each at its own time, then stays at `to`. */
  advanceTo(to: number): void {
    for (;;) {
      let first: [number, { at: number; fn: () => void }] | undefined;
      for (const entry of this.pending) if (entry[1].at <= to && (!first || entry[1].at < first[1].at)) first = entry;
      if (!first) break;
      this.pending.delete(first[0]);
      this.time = Math.max(this.time, first[1].at);
      first[1].fn();
    }
    this.time = Math.max(this.time, to);
  }

  advance(ms: number): void {
    this.advanceTo(this.time + ms);
  }

  /** Jumps without running callbacks: the process was down meanwhile. */
  jump(to: number): void {
    this.pending.clear();
    this.time = to;
  }
}
