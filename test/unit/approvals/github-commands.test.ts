import { describe, expect, it } from 'vitest';
import { commandHelp, parseCommand, taskRef } from '../../../src/approvals/github-commands.js';

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

  it('reads a task reference right after the command', () => {
    const ref = taskRef('8d3c1e2a-0000-4000-8000-000000000000:task:4');
    expect(ref).toMatch(/^t-[0-9a-f]{8}$/);
    expect(taskRef('8d3c1e2a-0000-4000-8000-000000000000:task:5')).not.toBe(ref);
    expect(parseCommand(`/approve ${ref}`)).toEqual({ kind: 'approve', ref });
    expect(parseCommand(`/approve ${ref.toUpperCase()} ship it\nreally`)).toEqual({ kind: 'approve', ref, comment: 'ship it\nreally' });
    expect(parseCommand(`/reject ${ref} AUC dropped`)).toEqual({ kind: 'reject', ref, comment: 'AUC dropped' });
    expect(parseCommand(`/submit ${ref} region=eu`)).toEqual({ kind: 'submit', ref, values: { region: 'eu' } });
    // A first word that is no reference is the comment.
    expect(parseCommand('/approve t-shirt size is fine')).toEqual({ kind: 'approve', comment: 't-shirt size is fine' });
    expect(commandHelp(true, [], ref)).toBe(`\`/approve ${ref}\` (optionally followed by a comment) or \`/reject ${ref} <reason>\``);
  });

  it('ignores quoted lines, code blocks and text without a command', () => {
    expect(parseCommand('> /approve\nI disagree')).toBeUndefined();
    expect(parseCommand('```\n/approve\n```')).toBeUndefined();
    expect(parseCommand('please /approve this')).toBeUndefined();
  });
});
