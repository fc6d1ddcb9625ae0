/**
 * The timer wheel on a real SQLite store and a virtual clock: one clock
 * callback however many timers are parked, due timers handed over in order,
 * and a timer whose hand-over fails stays and is tried again.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteStore, type SqliteStore } from '../../../src/adapters/sqlite/sqlite-store.js';
import type { TimerRecord } from '../../../src/ports/store.js';
import { TimerWheel } from '../../../src/runtime/timer-wheel.js';
import { deployment, instance } from '../../store/fixtures.js';
import { VirtualClock } from '../gitops/virtual-clock.js';

/** A virtual clock that counts the callbacks armed on it and not yet run or cancelled. */
class CountingClock extends VirtualClock {
  armed = 0;
  override at(at: number, fn: () => void): () => void {
    this.armed++;
    let live = true;
    const cancel = super.at(at, () => {
      live = false;
      this.armed--;
      fn();
    });
    return () => {
      if (live) this.armed--;
      live = false;
      cancel();
    };
  }
}

let dir: string;
let store: SqliteStore;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'pipelane-wheel-'));
  store = openSqliteStore(dir);
  store.transaction(() => {
    store.putDeployment(deployment('churn.bpmn@1'));
    store.createInstance(instance('i-1', { deploymentId: 'churn.bpmn@1' }));
  });
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

const timer = (id: string, dueAt: number): TimerRecord => ({ id, instanceId: 'i-1', dueAt, elementId: 'wait' });

describe('TimerWheel', () => {
  it('arms one clock callback for 10,000 parked timers and hands them over in order as they fall due', () => {
    const clock = new CountingClock(0);
    const fired: string[] = [];
    const wheel = new TimerWheel(store, clock, (t) => {
      fired.push(t.id);
      store.deleteTimer(t.id);
    }, () => undefined);
    store.transaction(() => {
      for (let i = 0; i < 10_000; i++) store.putTimer(timer(`t${String(i).padStart(5, '0')}`, 1_000 + i));
    });
    wheel.refresh();
    expect(clock.armed).toBe(1);
    clock.advanceTo(1_249);
    expect(fired).toHaveLength(250);
    expect(fired.slice(0, 3)).toEqual(['t00000', 't00001', 't00002']);
    expect(clock.armed).toBe(1);
    clock.advanceTo(20_000);
    expect(fired).toHaveLength(10_000);
    expect(clock.armed).toBe(0);
    expect(store.countTimers()).toBe(0);
  });

  it('keeps a timer whose hand-over fails, says so, and tries it again five seconds later', () => {
    const clock = new CountingClock(0);
    const errors: string[] = [];
    let failing = true;
    const fired: string[] = [];
    const wheel = new TimerWheel(store, clock, (t) => {
      if (failing) throw new Error('database or disk is full');
      fired.push(t.id);
      store.deleteTimer(t.id);
    }, (t, error) => errors.push(`${t.id}: ${(error as Error).message}`));
    store.putTimer(timer('wait-1', 1_000));
    wheel.refresh();
    clock.advanceTo(1_000);
    expect(errors).toEqual(['wait-1: database or disk is full']);
    expect(store.getTimer('wait-1')).toBeDefined();
    clock.advanceTo(5_999);
    expect(errors).toHaveLength(1);
    failing = false;
    clock.advanceTo(6_000);
    expect(fired).toEqual(['wait-1']);
    expect(store.getTimer('wait-1')).toBeUndefined();
    expect(clock.armed).toBe(0);
  });

  it('fires the other timers on time while one keeps failing', () => {
    const clock = new CountingClock(0);
    const fired: string[] = [];
    const errors: string[] = [];
    const wheel = new TimerWheel(store, clock, (t) => {
      if (t.id === 'broken') throw new Error('the engine refuses it');
      fired.push(`${t.id}@${clock.now()}`);
      store.deleteTimer(t.id);
    }, (t) => errors.push(`${t.id}@${clock.now()}`));
    store.putTimer(timer('broken', 1_000));
    store.putTimer(timer('same-time', 1_000));
    store.putTimer(timer('later', 2_000));
    store.putTimer(timer('after-retry', 7_000));
    wheel.refresh();
    clock.advanceTo(10_000);
    expect(fired).toEqual(['same-time@1000', 'later@2000', 'after-retry@7000']);
    // Tried again every five seconds, not in a loop.
    expect(errors).toEqual(['broken@1000', 'broken@6000']);
    expect(store.getTimer('broken')).toBeDefined();
    // Cancelled meanwhile: forgotten, and nothing is armed for it any more.
    store.deleteTimer('broken');
    clock.advanceTo(11_000);
    expect(errors).toHaveLength(2);
    expect(clock.armed).toBe(0);
  });
});
