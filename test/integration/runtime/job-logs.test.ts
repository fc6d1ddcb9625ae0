import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LogLine } from '../../../src/ports/container-runner.js';
import { type JobLogEntry, JobLogStore } from '../../../src/runtime/job-logs.js';

const line = (text: string, stream: LogLine['stream'] = 'stdout', n = 0): LogLine => ({
  stream,
  at: `2026-01-01T00:00:${String(n % 60).padStart(2, '0')}.000000000Z`,
  text,
});

describe('JobLogStore', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pipelane-job-logs-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('appends JSON lines per job, keeping streams and times apart', async () => {
    const store = new JobLogStore({ dir });
    const writer = store.open('job-1');
    writer.append(line('hello', 'stdout', 1));
    writer.append(line('oops', 'stderr', 2));
    store.open('job-2').append(line('other'));
    // readable while the job runs
    expect(await store.read('job-1')).toEqual([line('hello', 'stdout', 1), line('oops', 'stderr', 2)]);
    writer.close();
    expect(await store.read('job-1')).toHaveLength(2);
    expect(await store.read('job-2')).toEqual([line('other')]);
    expect(await store.read('no-such-job')).toEqual([]);
  });

  it('continues the same file when a job is reopened after a restart', async () => {
    new JobLogStore({ dir }).open('j').append(line('before'));
    const again = new JobLogStore({ dir }).open('j');
    again.append(line('after'));
    again.close();
    expect((await new JobLogStore({ dir }).read('j')).map((e) => e.text)).toEqual(['before', 'after']);
  });

  it('keeps ids that are not file names inside its directory', async () => {
    const store = new JobLogStore({ dir });
    store.open('../../etc/x').append(line('safe'));
    expect(store.path('../../etc/x').startsWith(dir)).toBe(true);
    expect(await store.read('../../etc/x')).toEqual([line('safe')]);
  });

  it('stops writing at the cap and says how much was dropped', async () => {
    const now = () => new Date('2026-01-01T00:01:00Z');
    const store = new JobLogStore({ dir, capBytes: 1000, now });
    const writer = store.open('big');
    const text = 'x'.repeat(90); // about 150 bytes per JSON line
    for (let i = 0; i < 20; i++) writer.append(line(text, 'stdout', i));
    writer.close();
    const entries = await store.read('big');
    const kept = entries.filter((e) => e.stream === 'stdout');
    const markers = entries.filter((e) => e.stream === 'system');
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.length).toBeLessThan(20);
    expect(markers).toHaveLength(1);
    const dropped = (20 - kept.length) * (text.length + 1);
    expect(markers[0]).toMatchObject({ at: '2026-01-01T00:01:00.000Z', droppedBytes: dropped });
    expect(markers[0]?.text).toContain(`${dropped} bytes`);
    expect(entries.at(-1)).toBe(markers[0]);
    expect((await stat(store.path('big'))).size).toBeLessThan(1000 + 200);
  });

  it('cuts cleanly at the cap: a short line after a dropped one is dropped too', async () => {
    const store = new JobLogStore({ dir, capBytes: 300 });
    const writer = store.open('cut');
    writer.append(line('a'.repeat(100), 'stdout', 1));
    writer.append(line('b'.repeat(200), 'stdout', 2));
    writer.append(line('c', 'stdout', 3));
    writer.close();
    expect((await store.read('cut')).map((e) => e.text[0])).toEqual(['a', 'l']);
  });

  it('gives each attempt a marker and a cap of its own; a re-attached attempt goes on counting', async () => {
    const store = new JobLogStore({ dir, capBytes: 300 });
    const first = store.open('retried', 1);
    for (let i = 0; i < 5; i++) first.append(line('1'.repeat(100), 'stdout', i));
    first.close();
    const second = new JobLogStore({ dir, capBytes: 300 }).open('retried', 2);
    second.append(line('2'.repeat(100), 'stdout', 10));
    second.close();
    // The daemon restarts during attempt 2: the same attempt continues, against what it has written.
    const again = new JobLogStore({ dir, capBytes: 300 }).open('retried', 2);
    for (let i = 0; i < 3; i++) again.append(line('2'.repeat(100), 'stdout', 11 + i));
    again.close();
    const entries = await store.read('retried');
    const texts = entries.map((e) => (e.stream === 'system' ? e.text.replace(/: .*/, '') : `${e.text[0]}`));
    // About 160 bytes a line: one fits each attempt's 300, after attempt 2's marker too.
    expect(texts).toEqual(['1', 'log truncated', 'attempt 2', '2', 'log truncated']);
    expect(entries.find((e) => e.stream === 'system' && e.text === 'attempt 2')).toMatchObject({ attempt: 2 });
  });

  it('finds the attempt it goes on with behind a long log, and lines longer than a read', async () => {
    const store = new JobLogStore({ dir, capBytes: 2_000_000 });
    store.open('long', 1).close();
    const second = new JobLogStore({ dir, capBytes: 2_000_000 }).open('long', 2);
    second.append(line('y'.repeat(100_000), 'stdout', 1));
    for (let i = 0; i < 3_000; i++) second.append(line(`line ${i}`, 'stdout', i));
    second.close();
    const again = new JobLogStore({ dir, capBytes: 2_000_000 }).open('long', 2);
    again.append(line('after the restart', 'stdout', 59));
    again.close();
    const entries = await store.read('long');
    // Still attempt 2: no second marker.
    expect(entries.filter((e) => e.stream === 'system').map((e) => e.text)).toEqual(['attempt 2']);
    expect(entries.at(-1)?.text).toBe('after the restart');
  });

  it('writes no marker when nothing was dropped', async () => {
    const store = new JobLogStore({ dir });
    const writer = store.open('small');
    writer.append(line('a'));
    writer.close();
    writer.close();
    expect(await store.read('small')).toEqual([line('a')]);
  });

  it('follows a running job: what was written, then each new line, until it is closed', async () => {
    const store = new JobLogStore({ dir });
    const writer = store.open('live');
    writer.append(line('first', 'stdout', 1));
    const seen: JobLogEntry[] = [];
    const following = (async () => {
      for await (const entry of store.follow('live')) seen.push(entry);
    })();
    writer.append(line('second', 'stderr', 2));
    await new Promise((r) => setTimeout(r, 20));
    writer.append(line('third', 'stdout', 3));
    writer.close();
    await following;
    expect(seen.map((e) => e.text)).toEqual(['first', 'second', 'third']);
  });

  it('follows a finished job to its end, and stops on abort', async () => {
    const store = new JobLogStore({ dir });
    const writer = store.open('done');
    writer.append(line('only'));
    writer.close();
    const seen: string[] = [];
    for await (const entry of store.follow('done')) seen.push(entry.text);
    expect(seen).toEqual(['only']);

    const running = store.open('endless');
    const abort = new AbortController();
    const seenLive: string[] = [];
    const following = (async () => {
      for await (const entry of store.follow('endless', abort.signal)) seenLive.push(entry.text);
    })();
    running.append(line('one'));
    await new Promise((r) => setTimeout(r, 20));
    abort.abort();
    await following;
    expect(seenLive).toEqual(['one']);
    running.close();
  });
});
