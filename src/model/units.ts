/**
 * The units a sidecar is written in: durations (`30s`, `10m`, `1h30m`) and
 * memory sizes (`512m`, `1g`, as Docker reads them: binary multiples). Pure.
 */

const DURATION_UNITS_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
type DurationUnit = keyof typeof DURATION_UNITS_MS;

/** `1h30m` → 5_400_000; undefined when the text is not a duration. */
export function parseDuration(text: string): number | undefined {
  const trimmed = text.trim().toLowerCase();
  if (!/^(\d+(\.\d+)?(ms|s|m|h|d))+$/.test(trimmed)) return undefined;
  let total = 0;
  for (const part of trimmed.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d)/g)) {
    total += Number(part[1]) * DURATION_UNITS_MS[part[2] as DurationUnit];
  }
  return Math.round(total);
}

/** 600_000 → `10m`, 5_400_000 → `1h30m`, 1_500 → `1.5s`; the way a person would say it. */
export function formatDuration(ms: number): string {
  if (ms < 1_000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${trimNumber(ms / 1_000)}s`;
  const parts: string[] = [];
  let rest = Math.round(ms / 1_000);
  for (const [unit, seconds] of [['d', 86_400], ['h', 3_600], ['m', 60], ['s', 1]] as const) {
    const n = Math.floor(rest / seconds);
    if (n > 0) parts.push(`${n}${unit}`);
    rest -= n * seconds;
  }
  return parts.join('');
}

const MEMORY_UNITS = { b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 } as const;
type MemoryUnit = keyof typeof MEMORY_UNITS;

/** `512m` → 536_870_912 (also `512M`, `512mb`, `512Mi`); undefined when not a size. */
export function parseMemory(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)\s*([bkmgt])?(?:ib|i|b)?$/.exec(text.trim().toLowerCase());
  if (!match) return undefined;
  const unit = (match[2] ?? 'b') as MemoryUnit;
  return Math.round(Number(match[1]) * MEMORY_UNITS[unit]);
}

/** 536_870_912 → `512m`; the largest unit that divides the size exactly. */
export function formatMemory(bytes: number): string {
  for (const unit of ['t', 'g', 'm', 'k'] as const) {
    const size = MEMORY_UNITS[unit];
    if (bytes >= size && bytes % size === 0) return `${bytes / size}${unit}`;
  }
  return `${bytes}b`;
}

function trimNumber(n: number): string {
  return String(Math.round(n * 10) / 10);
}
