import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../../src/approvals/github-commands.js';

describe('parseCommand', () => {
  it('reads /approve with and without a comment', () => {
    expect(parseCommand('/approve')).toEqual({ kind: 'approve' });
    expect(parseCommand('Looks good.\n/APPROVE ship it')).toEqual({ kind: 'approve', comment: 'ship it' });
  });

  it('reads /reject with its reason, over several lines', () => {
    expect(parseCommand('/reject AUC dropped\nsee the report')).toEqual({ kind: 'reject', comment: 'AUC dropped\nsee the report' });
  });

  it('reads /submit pairs with quoted values', () => {
    expect(parseCommand('/submit region=eu note="two words" tag=\'a b\' empty=')).toEqual({
      kind: 'submit', values: { region: 'eu', note: 'two words', tag: 'a b', empty: '' },
    });
    expect(parseCommand('/submit nothing here')).toMatchObject({ kind: 'invalid' });
  });

  it('ignores quoted lines, code blocks and text without a command', () => {
    expect(parseCommand('> /approve\nI disagree')).toBeUndefined();
    expect(parseCommand('```\n/approve\n```')).toBeUndefined();
    expect(parseCommand('please /approve this')).toBeUndefined();
  });
});
