/**
 * Where the daemon's own events go: structured data and a sentence. pino's
 * Logger fits it; tests pass a list or `silentLog`.
 */
export interface Log {
  info(data: Record<string, unknown>, message: string): void;
  warn(data: Record<string, unknown>, message: string): void;
  error(data: Record<string, unknown>, message: string): void;
}

export const silentLog: Log = { info() {}, warn() {}, error() {} };
