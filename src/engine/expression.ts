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
  try {
    const result = evaluate(source, variables) as { value: unknown };
    return { ok: true, value: result.value };
  } catch (err) {
    return { ok: false, message: err instanceof Error ? err.message : String(err) };
  }
}
