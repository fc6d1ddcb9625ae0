/**
 * Docker's log stream, turned into lines. Without a TTY the engine
 * multiplexes stdout and stderr into frames (8-byte header: stream, 3 zero
 * bytes, big-endian length); with `timestamps` every line starts with its
 * RFC 3339 time. Lines of each stream are reassembled across frames.
 */
import type { LogLine } from '../../ports/container-runner.js';

const STREAMS = { 1: 'stdout', 2: 'stderr' } as const;

/**
 * Feed it chunks of the multiplexed stream; it calls `onLine` once per
 * complete line. The engine sends one frame per log message and splits lines
 * longer than 16 KiB into several messages, each with its own timestamp: a
 * line takes the time of its first piece.
 */
export class LogDemuxer {
  private pending: Buffer = Buffer.alloc(0);
  private readonly partial = { stdout: '', stderr: '' };
  private readonly lineStart: { stdout?: string; stderr?: string } = {};
  private decoders = { stdout: new TextDecoder(), stderr: new TextDecoder() };

  constructor(
    private readonly onLine: (line: LogLine) => void,
    private readonly now: () => Date = () => new Date(),
  ) {}

  push(chunk: Buffer): void {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    let offset = 0;
    while (this.pending.length - offset >= 8) {
      const size = this.pending.readUInt32BE(offset + 4);
      if (this.pending.length - offset - 8 < size) break;
      const stream = STREAMS[this.pending[offset] as 1 | 2];
      if (stream) this.frame(stream, this.pending.subarray(offset + 8, offset + 8 + size));
      offset += 8 + size;
    }
    this.pending = this.pending.subarray(offset);
  }

  /** Emits the last line of each stream when it had no trailing newline. */
  end(): void {
    for (const stream of ['stdout', 'stderr'] as const) {
      const rest = this.partial[stream] + this.decoders[stream].decode();
      if (rest !== '') this.emit(stream, rest, this.lineStart[stream]);
      this.partial[stream] = '';
      this.lineStart[stream] = undefined;
    }
  }

  /**
   * Forgets the lines that have begun but not ended, and says when each
   * began: a reader that stopped early reads them again from there.
   */
  discardUnfinished(): { stdout?: string; stderr?: string } {
    const began: { stdout?: string; stderr?: string } = {};
    for (const stream of ['stdout', 'stderr'] as const) {
      if (this.partial[stream] !== '' && this.lineStart[stream] !== undefined) began[stream] = this.lineStart[stream];
      this.partial[stream] = '';
      this.lineStart[stream] = undefined;
      this.decoders[stream] = new TextDecoder();
    }
    return began;
  }

  private frame(stream: 'stdout' | 'stderr', payload: Buffer): void {
    // `<RFC 3339 time> <text>`; the time is ASCII, so it is cut off before decoding.
    const space = payload.subarray(0, 40).indexOf(0x20);
    const stamp = space > 0 ? normaliseTimestamp(payload.subarray(0, space).toString('latin1')) : undefined;
    const text = this.decoders[stream].decode(stamp === undefined ? payload : payload.subarray(space + 1), { stream: true });
    const parts = (this.partial[stream] + text).split('\n');
    const rest = parts.pop() ?? '';
    let at = this.lineStart[stream] ?? stamp;
    for (const line of parts) {
      this.emit(stream, line, at);
      at = stamp;
    }
    this.partial[stream] = rest;
    this.lineStart[stream] = rest === '' ? undefined : at;
  }

  private emit(stream: 'stdout' | 'stderr', text: string, at: string | undefined): void {
    this.onLine({ stream, at: at ?? this.now().toISOString().replace('Z', '000000Z'), text: text.replace(/\r$/, '') });
  }
}

/**
 * `2024-05-20T10:00:00.1234Z` → `2024-05-20T10:00:00.123400000Z`: Docker trims
 * trailing zeros; a fixed nine digits keeps timestamps sortable as text.
 */
export function normaliseTimestamp(stamp: string): string | undefined {
  const match = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?Z$/.exec(stamp);
  if (!match) return undefined;
  return `${match[1]}.${(match[2] ?? '').padEnd(9, '0')}Z`;
}
