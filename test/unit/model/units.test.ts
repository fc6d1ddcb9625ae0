import { describe, expect, it } from 'vitest';
import { formatDuration, formatMemory, parseDuration, parseMemory } from '../../../src/model/units.js';

describe('units', () => {
  it('parses and formats durations', () => {
    expect(parseDuration('30s')).toBe(30_000);
    expect(parseDuration('10m')).toBe(600_000);
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration('10 minutes')).toBeUndefined();
    expect(parseDuration('10')).toBeUndefined();
    expect(formatDuration(600_000)).toBe('10m');
    expect(formatDuration(5_400_000)).toBe('1h30m');
    expect(formatDuration(2_000)).toBe('2s');
    expect(formatDuration(1_500)).toBe('1.5s');
    expect(formatDuration(90_000)).toBe('1m30s');
    expect(formatDuration(250)).toBe('250ms');
  });

  it('parses and formats memory sizes the way Docker reads them', () => {
    expect(parseMemory('512m')).toBe(512 * 1024 ** 2);
    expect(parseMemory('1g')).toBe(1024 ** 3);
    expect(parseMemory('1G')).toBe(1024 ** 3);
    expect(parseMemory('256Mi')).toBe(256 * 1024 ** 2);
    expect(parseMemory('64MB')).toBe(64 * 1024 ** 2);
    expect(parseMemory('lots')).toBeUndefined();
    expect(formatMemory(512 * 1024 ** 2)).toBe('512m');
    expect(formatMemory(1024 ** 3)).toBe('1g');
    expect(formatMemory(32 * 1024 ** 2)).toBe('32m');
    expect(formatMemory(1536 * 1024 ** 2)).toBe('1536m');
  });
});
