/** Time, as a port: the runtime asks it, tests can drive it. */
export interface Clock {
  now(): number;
  /** Calls `fn` once at `at` (epoch ms) or soon after; returns a cancel function. */
  at(at: number, fn: () => void): () => void;
}
