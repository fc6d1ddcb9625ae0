/**
 * The log of each job, on disk: one file per job of JSON lines
 * `{stream, at, text}`, appended while the task runs and kept after its
 * container is gone; a retry's lines follow a marker `attempt N`. Each
 * attempt has a size cap; what comes past it is counted, not written, and
 * one marker line at its end says how much was dropped. Readers get the whole log, or follow it live until the job ends.
 *
 * Lines are written synchronously, one write per line: the log of one job is
 * capped, and it makes "in the file" and "not yet in the file" a clean cut
 * that a live follower can rely on (see follow()).
 */
import { closeSync, mkdirSync, openSync, readSync, statSync, writeSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LogLine } from '../ports/container-runner.js';

/** A line of the script's output, or a line Pipelane adds (the truncation marker). */
export type JobLogEntry = LogLine | { stream: 'system'; at: string; text: string; droppedBytes?: number; attempt?: number };

export const DEFAULT_LOG_CAP_BYTES = 10 * 1024 * 1024;
/** How much of a log is read at a time when looking back for the last attempt's marker. */
const MARKER_CHUNK = 64 * 1024;

export interface JobLogStoreOptions {
  dir: string;
  /** Bytes of log file per job; 10 MB when absent. */
  capBytes?: number;
  now?: () => Date;
}

type Event = { kind: 'entry'; entry: JobLogEntry; offset: number } | { kind: 'closed' };

interface Active {
  writer: JobLogWriter;
  listeners: Set<(event: Event) => void>;
}

export class JobLogStore {
  private readonly dir: string;
  private readonly capBytes: number;
  private readonly now: () => Date;
  private readonly active = new Map<string, Active>();

  constructor(options: JobLogStoreOptions) {
    this.dir = options.dir;
    this.capBytes = options.capBytes ?? DEFAULT_LOG_CAP_BYTES;
    this.now = options.now ?? (() => new Date());
  }

  path(jobId: string): string {
    return join(this.dir, `${encodeURIComponent(jobId)}.jsonl`);
  }

  /**
   * Opens the job's log for appending attempt `attempt` (after a restart, the
   * same file continues). A later attempt begins with a marker line, and the
   * cap counts from it: each attempt may fill the cap. One writer per job.
   */
  open(jobId: string, attempt = 1): JobLogWriter {
    const existing = this.active.get(jobId);
    if (existing) return existing.writer;
    mkdirSync(this.dir, { recursive: true });
    const listeners = new Set<(event: Event) => void>();
    const writer = new JobLogWriter(this.path(jobId), this.capBytes, attempt, this.now, (event) => {
      for (const listener of listeners) listener(event);
      if (event.kind === 'closed') this.active.delete(jobId);
    });
    this.active.set(jobId, { writer, listeners });
    return writer;
  }

  /** The whole log as stored; empty when the job has none (yet). */
  async read(jobId: string): Promise<JobLogEntry[]> {
    return parse(await readOrEmpty(this.path(jobId))).entries;
  }

  /**
   * The log so far, then each new line as it is written, until the writer is
   * closed or `signal` aborts. A job that is not being written ends after its file.
   */
  async *follow(jobId: string, signal?: AbortSignal): AsyncGenerator<JobLogEntry> {
    const active = this.active.get(jobId);
    const queue: Event[] = [];
    let wake: (() => void) | undefined;
    const listener = (event: Event) => {
      queue.push(event);
      wake?.();
    };
    const onAbort = () => wake?.();
    // Subscribe before reading: a line written meanwhile is either in the file
    // (its offset is below what was read) or only in the queue.
    active?.listeners.add(listener);
    signal?.addEventListener('abort', onAbort);
    try {
      const { entries, completeBytes } = parse(await readOrEmpty(this.path(jobId)));
      for (const entry of entries) {
        if (signal?.aborted) return;
        yield entry;
      }
      if (!active) return;
      for (;;) {
        if (signal?.aborted) return;
        const event = queue.shift();
        if (!event) {
          await new Promise<void>((resolve) => (wake = resolve));
          wake = undefined;
          continue;
        }
        if (event.kind === 'closed') return;
        if (event.offset >= completeBytes) yield event.entry;
      }
    } finally {
      active?.listeners.delete(listener);
      signal?.removeEventListener('abort', onAbort);
    }
  }
}

export class JobLogWriter {
  private fd: number | undefined;
  private written: number;
  /** Where this attempt's lines begin in the file: the cap counts from here. */
  private readonly attemptStart: number;
  private droppedBytes = 0;
  private droppedLines = 0;

  constructor(
    readonly path: string,
    private readonly capBytes: number,
    attempt: number,
    private readonly now: () => Date,
    private readonly emit: (event: Event) => void,
  ) {
    this.fd = openSync(path, 'a');
    this.written = statSync(path).size;
    const marker = attempt > 1 ? lastAttemptMarker(path) : undefined;
    if (attempt <= 1) this.attemptStart = 0;
    else if (marker?.attempt === attempt) this.attemptStart = marker.offset; // the same attempt, re-attached after a restart
    else {
      this.attemptStart = this.written;
      const entry: JobLogEntry = { stream: 'system', at: this.now().toISOString(), text: `attempt ${attempt}`, attempt };
      this.write(entry, Buffer.from(`${JSON.stringify(entry)}\n`));
    }
  }

  /** Appends one line; past the cap it is only counted, and so is every line after it (a clean cut). */
  append(line: LogLine): void {
    if (this.fd === undefined) return;
    const entry: JobLogEntry = { stream: line.stream, at: line.at, text: line.text };
    const bytes = Buffer.from(`${JSON.stringify(entry)}\n`);
    if (this.droppedLines > 0 || this.written - this.attemptStart + bytes.length > this.capBytes) {
      this.droppedBytes += Buffer.byteLength(line.text) + 1;
      this.droppedLines += 1;
      return;
    }
    this.write(entry, bytes);
  }

  /** Writes the truncation marker when lines were dropped, and ends live followers. Idempotent. */
  close(): void {
    if (this.fd === undefined) return;
    if (this.droppedLines > 0) {
      const entry: JobLogEntry = {
        stream: 'system',
        at: this.now().toISOString(),
        text: `log truncated: ${this.droppedBytes} bytes (${this.droppedLines} lines) dropped past the cap of ${this.capBytes} bytes`,
        droppedBytes: this.droppedBytes,
      };
      this.write(entry, Buffer.from(`${JSON.stringify(entry)}\n`));
    }
    closeSync(this.fd);
    this.fd = undefined;
    this.emit({ kind: 'closed' });
  }

  private write(entry: JobLogEntry, bytes: Buffer): void {
    const offset = this.written;
    writeSync(this.fd as number, bytes);
    this.written += bytes.length;
    this.emit({ kind: 'entry', entry, offset });
  }
}

/** The last "attempt N" marker of a log file and where it starts, read from the end back, a chunk at a time. */
function lastAttemptMarker(path: string): { attempt: number; offset: number } | undefined {
  const fd = openSync(path, 'r');
  try {
    let end = statSync(path).size;
    let tail = Buffer.alloc(0);
    while (end > 0) {
      const start = Math.max(0, end - MARKER_CHUNK);
      const chunk = Buffer.alloc(end - start);
      readSync(fd, chunk, 0, chunk.length, start);
      tail = Buffer.concat([chunk, tail]);
      // A line longer than what is read so far: read on back before looking.
      if (start > 0 && tail.indexOf(10) < 0) {
        end = start;
        continue;
      }
      // Whole lines only: the first one may begin in the chunk before (unless this is the file's start).
      const firstLine = start === 0 ? 0 : tail.indexOf(10) + 1;
      const lines = tail.subarray(firstLine).toString('utf8').split('\n');
      let offset = start + firstLine + Buffer.byteLength(lines.join('\n'));
      for (let i = lines.length - 1; i >= 0; i--) {
        offset -= Buffer.byteLength(lines[i]!) + (i < lines.length - 1 ? 1 : 0);
        if (!lines[i]!.startsWith('{"stream":"system"')) continue;
        try {
          const entry = JSON.parse(lines[i]!) as JobLogEntry;
          if (entry.stream === 'system' && entry.attempt !== undefined) return { attempt: entry.attempt, offset };
        } catch {
          // a torn line: look further back
        }
      }
      tail = tail.subarray(0, firstLine);
      end = start;
    }
    return undefined;
  } finally {
    closeSync(fd);
  }
}

async function readOrEmpty(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw err;
  }
}

/** Complete lines only: a line cut short by a crash, or being written, is left out. */
function parse(text: string): { entries: JobLogEntry[]; completeBytes: number } {
  const end = text.lastIndexOf('\n') + 1;
  const entries: JobLogEntry[] = [];
  for (const line of text.slice(0, end).split('\n')) {
    if (line === '') continue;
    try {
      entries.push(JSON.parse(line) as JobLogEntry);
    } catch {
      // a torn line from a crash: skip it
    }
  }
  return { entries, completeBytes: Buffer.byteLength(text.slice(0, end)) };
}
