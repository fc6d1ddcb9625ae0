/**
 * The outcome of reading text a user wrote (a duration, a date, a cron
 * expression): the typed value, or a message that says what is wrong and
 * shows a valid example. Plain data, so callers can store or report it as is.
 */
export type Parsed<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly message: string };

export function ok<T>(value: T): Parsed<T> {
  return { ok: true, value };
}

export function fail(message: string): { readonly ok: false; readonly message: string } {
  return { ok: false, message };
}
