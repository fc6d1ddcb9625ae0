import type { ServerResponse } from 'node:http';
import { ERROR_CODES, toError, type PipelaneError } from '../errors.js';

/** A handler's answer: a status and a JSON body (or none, for 204). */
export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export const json = (status: number, body?: unknown, headers?: Record<string, string>): Reply => ({ status, ...(body === undefined ? {} : { body }), ...(headers ? { headers } : {}) });

export function send(res: ServerResponse, reply: Reply): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const text = reply.body === undefined ? '' : JSON.stringify(reply.body);
  res.writeHead(reply.status, {
    ...(text === '' ? {} : { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) }),
    'cache-control': 'no-store',
    ...reply.headers,
  });
  res.end(text);
}

/**
 * Any error as `{code, message}` with the status of its code; never a stack.
 * An unexpected error (INTERNAL) is reported to the log by the caller and
 * shown to the client without its details.
 */
export function errorReply(value: unknown): { reply: Reply; error: PipelaneError; unexpected: boolean } {
  const error = toError(value);
  const unexpected = error.code === 'INTERNAL' || ERROR_CODES[error.code].status >= 500;
  const message = error.code === 'INTERNAL' ? 'an internal error occurred; the daemon log has the details.' : error.message;
  const headers: Record<string, string> = error.code === 'UNAUTHORIZED' ? { 'www-authenticate': 'Bearer realm="pipelane"' } : {};
  // A refused form (FORM_INVALID) says which field is wrong and why, for a form to show beside each field.
  const fields = (error as { fields?: unknown }).fields;
  return { reply: json(error.status, { code: error.code, message, ...(Array.isArray(fields) ? { fields } : {}) }, headers), error, unexpected };
}
