/**
 * Replaces every occurrence of a secret's value in a log line by `***`.
 * Longer values first, so a secret that contains another is masked whole; a
 * multi-line value is also masked line by line, since logs arrive by line.
 */
export type Mask = (text: string) => string;

export const MASK = '***';

export function secretMask(values: Iterable<string>): Mask {
  const needles = new Set<string>();
  for (const value of values) {
    if (value === '') continue;
    needles.add(value);
    if (value.includes('\n')) {
      for (const line of value.split(/\r?\n/)) if (line.trim().length >= 4) needles.add(line);
    }
  }
  if (needles.size === 0) return (text) => text;
  const pattern = new RegExp([...needles].sort((a, b) => b.length - a.length).map(escapeRegExp).join('|'), 'g');
  return (text) => text.replace(pattern, MASK);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
