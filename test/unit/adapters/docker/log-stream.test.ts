import { describe, expect, it } from 'vitest';
import { LogDemuxer, normaliseTimestamp } from '../../../../src/adapters/docker/log-stream.js';
import type { LogLine } from '../../../../src/ports/container-runner.js';

function frame(stream: 1 | 2, text: string | Buffer): Buffer {
  const payload = typeof text === 'string' ? Buffer.from(text) : text;
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

const T1 = '2026-01-01T00:00:01.000000001Z';
const T2 = '2026-01-01T00:00:02.000000002Z';

function demux(): { lines: LogLine[]; demuxer: LogDemuxer } {
  const lines: LogLine[] = [];
  return { lines, demuxer: new LogDemuxer((l) => lines.push(l), () => new Date('2026-01-01T00:00:09Z')) };
}

describe('LogDemuxer', () => {
  it('splits frames into lines of each stream with their timestamps', () => {
    const { lines, demuxer } = demux();
    demuxer.push(Buffer.concat([frame(1, `${T1} out\n`), frame(2, `${T2} err\r\n`)]));
    expect(lines).toEqual([
      { stream: 'stdout', at: T1, text: 'out' },
      { stream: 'stderr', at: T2, text: 'err' },
    ]);
  });

  it('reassembles frames cut anywhere, even inside a UTF-8 character', () => {
    const { lines, demuxer } = demux();
    const all = frame(1, `${T1} Grüße ✓\n`);
    for (let i = 0; i < all.length; i += 3) demuxer.push(all.subarray(i, i + 3));
    expect(lines).toEqual([{ stream: 'stdout', at: T1, text: 'Grüße ✓' }]);
  });

  it('joins the pieces of a long line, which takes the time of its first piece', () => {
    const { lines, demuxer } = demux();
    const check = Buffer.from('✓');
    demuxer.push(frame(1, Buffer.concat([Buffer.from(`${T1} aaa`), check.subarray(0, 1)])));
    demuxer.push(frame(1, Buffer.concat([Buffer.from(`${T2} `), check.subarray(1), Buffer.from('bbb\n')])));
    expect(lines).toEqual([{ stream: 'stdout', at: T1, text: 'aaa✓bbb' }]);
  });

  it('emits a last line without a newline at the end', () => {
    const { lines, demuxer } = demux();
    demuxer.push(frame(2, `${T1} no newline`));
    expect(lines).toEqual([]);
    demuxer.end();
    expect(lines).toEqual([{ stream: 'stderr', at: T1, text: 'no newline' }]);
  });

  it('can forget an unfinished line and say when it began', () => {
    const { lines, demuxer } = demux();
    demuxer.push(frame(1, `${T1} begun`));
    expect(demuxer.discardUnfinished()).toEqual({ stdout: T1 });
    demuxer.end();
    expect(lines).toEqual([]);
  });

  it('stamps lines without a timestamp with the time they arrive', () => {
    const { lines, demuxer } = demux();
    demuxer.push(frame(1, 'plain\n'));
    expect(lines).toEqual([{ stream: 'stdout', at: '2026-01-01T00:00:09.000000000Z', text: 'plain' }]);
  });
});

describe('normaliseTimestamp', () => {
  it('pads the fraction to nine digits so times sort as text', () => {
    expect(normaliseTimestamp('2026-01-01T00:00:00.1234Z')).toBe('2026-01-01T00:00:00.123400000Z');
    expect(normaliseTimestamp('2026-01-01T00:00:00Z')).toBe('2026-01-01T00:00:00.000000000Z');
    expect(normaliseTimestamp('yesterday')).toBeUndefined();
  });
});
