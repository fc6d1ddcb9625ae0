import type { Clock } from '../ports/clock.js';

/** setTimeout caps delays at 2^31-1 ms (~24.8 days); longer waits are chained. */
const MAX_DELAY = 2_147_483_647;

export const systemClock: Clock = {
  now: () => Date.now(),
  at(at, fn) {
    let handle: NodeJS.Timeout;
    const arm = () => {
      const delay = at - Date.now();
      handle = setTimeout(delay > MAX_DELAY ? arm : fn, Math.max(0, Math.min(delay, MAX_DELAY)));
    };
    arm();
    return () => clearTimeout(handle);
  },
};
