import { describe, expect, it } from 'vitest';
import { readableLine } from '../../../src/cli/log-lines.js';

describe('readableLine', () => {
  it('turns a pino line into time, level, message and fields', () => {
    const line = JSON.stringify({ level: 40, time: Date.UTC(2026, 11, 4, 12, 4, 31), pid: 7, instance: 'i-1', status: 'failed', msg: 'instance ended', error: { code: 'E' } });
    expect(readableLine(line)).toBe('12:04:31  WARN   instance ended  instance=i-1  status=failed  error={"code":"E"}');
  });

  it('quotes text with spaces, puts a stack on lines of its own, and leaves other lines alone', () => {
    const line = JSON.stringify({ level: 50, time: 0, msg: 'request failed', path: '/a b', err: { message: 'x', stack: 'Error: x\n    at f' } });
    expect(readableLine(line)).toBe('00:00:00  ERROR  request failed  path="/a b"  err=\nError: x\n    at f');
    expect(readableLine('listening on http://127.0.0.1:8080')).toBe('listening on http://127.0.0.1:8080');
    expect(readableLine('[1, 2]')).toBe('[1, 2]');
  });
});
