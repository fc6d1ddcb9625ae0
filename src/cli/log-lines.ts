/**
 * The daemon's log on a terminal: pino writes one JSON object a line (what
 * log collectors want); when stderr is a terminal, each becomes a line a
 * person reads: `12:04:31 WARN  instance ended  instance=… status=failed`.
 */
const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO ', 40: 'WARN ', 50: 'ERROR', 60: 'FATAL' };
const OMIT = new Set(['level', 'time', 'pid', 'hostname', 'msg']);

/** Formats one line pino wrote; a line that is not a JSON object comes back as it was. */
export function readableLine(line: string): string {
  let entry: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(line);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return line;
    entry = parsed as Record<string, unknown>;
  } catch {
    return line;
  }
  const time = typeof entry['time'] === 'number' ? new Date(entry['time']).toISOString().slice(11, 19) : '';
  const level = LEVELS[entry['level'] as number] ?? String(entry['level'] ?? '');
  const fields = Object.entries(entry)
    .filter(([key]) => !OMIT.has(key))
    .map(([key, value]) => `${key}=${fieldText(value)}`);
  return [time, level, String(entry['msg'] ?? ''), ...fields].filter((s) => s !== '').join('  ');
}

function fieldText(value: unknown): string {
  if (typeof value === 'string') return /\s/.test(value) ? JSON.stringify(value) : value;
  if (typeof value === 'object' && value !== null && 'stack' in value && typeof value.stack === 'string') return `\n${value.stack}`;
  return JSON.stringify(value);
}

/** A pino destination writing readable lines to a terminal. */
export function terminalDestination(out: NodeJS.WritableStream): { write(chunk: string): boolean } {
  return {
    write(chunk: string): boolean {
      const lines = chunk.split('\n').filter((l) => l !== '');
      return out.write(`${lines.map(readableLine).join('\n')}\n`);
    },
  };
}
