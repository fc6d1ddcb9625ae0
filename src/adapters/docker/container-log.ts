/**
 * Reads a container's log to the end: follows it while the container runs,
 * then reads once more from the last line seen. The second read is not
 * redundant: Docker 20.10's json-file follower often stops before the last
 * message of a container that exits right after writing it (a final line
 * without a newline was lost 7 times in 8 with Python), while a plain read
 * returns it. Lines seen twice are recognised by their timestamps.
 */
import type Docker from 'dockerode';
import type { LogLine } from '../../ports/container-runner.js';
import { LogDemuxer } from './log-stream.js';

export async function readContainerLog(container: Docker.Container, onLine: (line: LogLine) => void): Promise<void> {
  const last: { stdout?: string; stderr?: string } = {};
  const seen = (line: LogLine) => {
    last[line.stream] = line.at;
    onLine(line);
  };
  const live = new LogDemuxer(seen);
  const stream = await container.logs({ follow: true, stdout: true, stderr: true, timestamps: true });
  await new Promise<void>((resolve, reject) => {
    stream.on('data', (chunk: Buffer) => live.push(chunk));
    stream.on('error', reject);
    stream.on('end', resolve);
  });
  // Everything the follower missed came after its last line, or after the start of a line it left unfinished.
  const unfinished = live.discardUnfinished();
  const latest = [last.stdout, last.stderr].filter((at) => at !== undefined).sort().at(-1);
  const since = [latest, unfinished.stdout, unfinished.stderr].filter((at) => at !== undefined).sort()[0];
  const rest = await container.logs({
    follow: false,
    stdout: true,
    stderr: true,
    timestamps: true,
    ...(since === undefined ? {} : { since: unixSeconds(since) }),
  });
  const tail = new LogDemuxer((line) => {
    const from = last[line.stream];
    if (from === undefined || line.at > from) seen(line);
  });
  tail.push(rest);
  tail.end();
}

/** `2024-05-20T10:00:00.123456789Z` → `1716199200.123456789`, the form Docker's `since` takes. */
export function unixSeconds(at: string): string {
  const seconds = Math.floor(Date.parse(at) / 1000);
  const fraction = /\.(\d+)Z$/.exec(at)?.[1] ?? '0';
  return `${seconds}.${fraction}`;
}
