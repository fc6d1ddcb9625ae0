import { evaluate } from 'feelin';

export type Evaluation = { ok: true; value: unknown } | { ok: false; message: string };

const BLANK = /^\s*$/;

/**
 * Evaluates a FEEL expression against variables. A leading `=` (Camunda 8
 * style) is accepted. Never throws: a syntax or evaluation error is returned.
 */
export function evaluateFeel(expression: string, variables: Record<string, unknown>): Evaluation {
  const source = expression.trim().replace(/^=/, '');
  if (BLANK.test(source)) return { ok: false, message: 'the expression is empty' };
  const quick = comparison(source, variables);
  if (quick !== undefined) return { ok: true, value: quick };
  try {
    const result = evaluate(source, variables) as { value: unknown };
    return { ok: true, value: result.value };
  } catch (err) {
    return { ok: false, message: err instanceof Error ? err.message : String(err) };
  }
}

/**
 * feelin parses an expression on every call (about 250 µs), which dominates
 * loops and gateways. The commonest conditions, a variable compared with a
 * literal of the same type (`counter < 100`, `approved = true`,
 * `region = "eu"`), are answered here with FEEL's result; anything else,
 * including every mixed-type or null comparison, goes to feelin.
 */
const SIMPLE = /^([A-Za-z_]\w*)\s*(<=|>=|!=|=|<|>)\s*(-?\d+(?:\.\d+)?|"[^"\\]*"|true|false)$/;

type Parsed = { name: string; op: string; literal: number | string | boolean } | null;
const parsedCache = new Map<string, Parsed>();

function comparison(source: string, variables: Record<string, unknown>): boolean | undefined {
  let parsed = parsedCache.get(source);
  if (parsed === undefined) {
    const m = SIMPLE.exec(source);
    parsed = m ? { name: m[1]!, op: m[2]!, literal: literalOf(m[3]!) } : null;
    if (parsedCache.size < 10_000) parsedCache.set(source, parsed);
  }
  if (parsed === null || !Object.hasOwn(variables, parsed.name)) return undefined;
  const left = variables[parsed.name];
  const right = parsed.literal;
  if (typeof left !== typeof right || (typeof left === 'number' && !Number.isFinite(left))) return undefined;
  if (typeof right === 'boolean' && parsed.op !== '=' && parsed.op !== '!=') return undefined;
  const l = left as number | string;
  const r = right as number | string;
  switch (parsed.op) {
    case '=':
      return l === r;
    case '!=':
      return l !== r;
    case '<':
      return l < r;
    case '<=':
      return l <= r;
    case '>':
      return l > r;
    default:
      return l >= r;
  }
}

function literalOf(text: string): number | string | boolean {
  if (text === 'true') return true;
  if (text === 'false') return false;
  if (text.startsWith('"')) return text.slice(1, -1);
  return Number(text);
}
