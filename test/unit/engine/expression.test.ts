import { evaluate } from 'feelin';
import { describe, expect, it } from 'vitest';
import { evaluateFeel } from '../../../src/engine/expression.js';

describe('FEEL expressions', () => {
  it('answers simple comparisons exactly as feelin does, whatever the operand types', () => {
    const values: unknown[] = [0, 1, 2.5, -3, 100, 'a', 'b', '1', '', true, false, null, undefined, [1], { a: 1 }];
    const expressions = ['x < 3', 'x <= 2.5', 'x > -3', 'x >= 100', 'x = 1', 'x != 1', 'x = "a"', 'x < "b"', 'x != "a"', 'x = true', 'x != false', 'x = 0'];
    for (const expression of expressions) {
      for (const x of values) {
        const variables = x === undefined ? {} : { x };
        const ours = evaluateFeel(expression, variables);
        expect(ours, `${expression} with x = ${JSON.stringify(x)}`).toEqual({ ok: true, value: evaluate(expression, variables).value });
      }
    }
  });

  it('accepts a leading = and reports syntax errors instead of throwing', () => {
    expect(evaluateFeel('= amount > 100 and region = "eu"', { amount: 150, region: 'eu' })).toEqual({ ok: true, value: true });
    const bad = evaluateFeel('amount >', {});
    expect(bad.ok).toBe(false);
    expect(evaluateFeel('   ', {})).toEqual({ ok: false, message: 'the expression is empty' });
  });
});
