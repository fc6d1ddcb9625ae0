import type { IncomingMessage } from 'node:http';
import { PipelaneError } from '../errors.js';

export const MAX_BODY_BYTES = 1024 * 1024;

/** The request body; past `limit` bytes it is refused (413) without reading further. */
export async function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) throw tooLarge(limit);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw tooLarge(limit);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** The request body parsed as JSON; empty is `{}`. Past 1 MB it is refused (413) without reading further. */
export async function readJson(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<unknown> {
  const text = (await readBody(req, limit)).toString('utf8').trim();
  if (text === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new PipelaneError('BAD_REQUEST', `the request body is not valid JSON: ${(err as Error).message}.`);
  }
}

function tooLarge(limit: number): PipelaneError {
  return new PipelaneError('PAYLOAD_TOO_LARGE', `the request body is larger than ${limit} bytes.`);
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `{"variables": {…}}` (optional): the object, or a 400 that says what is wrong. */
export function variablesOf(body: unknown): Record<string, unknown> {
  if (!isObject(body)) throw new PipelaneError('BAD_REQUEST', 'the request body must be a JSON object, for example {"variables": {"region": "eu"}}.');
  const variables = body['variables'];
  if (variables === undefined) return {};
  if (!isObject(variables)) throw new PipelaneError('BAD_REQUEST', '"variables" must be a JSON object of names to values.');
  return variables;
}

export function optionalString(body: Record<string, unknown>, name: string): string | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new PipelaneError('BAD_REQUEST', `"${name}" must be a string.`);
  return value;
}

/** A whole number query parameter within bounds, or its default. */
export function intParam(query: URLSearchParams, name: string, fallback: number, min: number, max: number): number {
  const raw = query.get(name);
  if (raw === null || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new PipelaneError('BAD_REQUEST', `${name} must be a whole number from ${min} to ${max}, not "${raw}".`);
  }
  return value;
}

/** A query parameter that must be one of a few words. */
export function oneOf<T extends string>(query: URLSearchParams, name: string, allowed: readonly T[]): T | undefined {
  const raw = query.get(name);
  if (raw === null || raw === '') return undefined;
  if (!(allowed as readonly string[]).includes(raw)) throw new PipelaneError('BAD_REQUEST', `${name} must be one of ${allowed.join(', ')}, not "${raw}".`);
  return raw as T;
}
