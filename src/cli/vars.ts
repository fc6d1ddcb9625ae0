import { readFileSync } from 'node:fs';
import { PipelaneError } from '../errors.js';

/**
 * `--var k=v` pairs: the value is read as JSON when it is JSON (`n=3`,
 * `ok=true`, `tags=["a"]`), else kept as a string (`region=eu`).
 */
export function parseVars(pairs: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    const name = eq > 0 ? pair.slice(0, eq).trim() : '';
    if (!/^[A-Za-z_][\w.-]*$/.test(name)) {
      throw new PipelaneError('BAD_REQUEST', `--var "${pair}" is not of the form name=value (for example --var region=eu or --var limit=10).`);
    }
    const raw = pair.slice(eq + 1);
    try {
      out[name] = JSON.parse(raw);
    } catch {
      out[name] = raw;
    }
  }
  return out;
}

/** A JSON file holding one object of variables. */
export function readVarsFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new PipelaneError('BAD_REQUEST', `--vars-file ${path} cannot be read; check the path.`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new PipelaneError('BAD_REQUEST', `--vars-file ${path} is not valid JSON: ${(err as Error).message}.`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new PipelaneError('BAD_REQUEST', `--vars-file ${path} must hold one JSON object of variables, like {"region": "eu"}.`);
  }
  return value as Record<string, unknown>;
}

export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
