import { readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { loadBpmn } from '../../src/model/load.js';
import { runBetsyTest } from './betsy.js';

export interface ConformanceFigures {
  betsy: { passed: number; total: number; cases_passed: number; cases_total: number };
  invalid: { rejected: number; total: number };
  miwg: { loaded: number; total: number };
}

export interface ConformanceReport {
  figures: ConformanceFigures;
  /** One line per failing test, with the reason. */
  failures: string[];
}

/** Runs every corpus found in `dir` (betsy/, invalid/, miwg/) through the real loader, validator and engine. */
export async function runConformance(dir: string): Promise<ConformanceReport> {
  const failures: string[] = [];
  const figures: ConformanceFigures = {
    betsy: { passed: 0, total: 0, cases_passed: 0, cases_total: 0 },
    invalid: { rejected: 0, total: 0 },
    miwg: { loaded: 0, total: 0 },
  };
  for (const file of await bpmnFiles(join(dir, 'betsy'), true)) {
    const result = await runBetsyTest(file);
    const passed = result.cases.filter((c) => c.passed).length;
    figures.betsy.total += 1;
    figures.betsy.cases_total += result.cases.length;
    figures.betsy.cases_passed += passed;
    if (passed === result.cases.length) figures.betsy.passed += 1;
    for (const c of result.cases.filter((x) => !x.passed)) {
      failures.push(`betsy ${result.test}: expected ${JSON.stringify([...c.expected].sort())}, got ${JSON.stringify([...c.actual].sort())}${c.reason ? ` (${oneLine(c.reason)})` : ''}`);
    }
  }
  for (const file of await bpmnFiles(join(dir, 'invalid'), false)) {
    const rule = basename(join(file, '..'));
    figures.invalid.total += 1;
    const loaded = await loadBpmn(await readFile(file, 'utf8'), file);
    const errors = loaded.diagnostics.filter((d) => d.severity === 'error');
    if (!loaded.ok && errors.some((d) => d.rule === rule && d.element)) figures.invalid.rejected += 1;
    else {
      const got = errors.map((d) => `${d.rule}@${d.element ?? '?'}`).join(', ') || 'no error';
      failures.push(`invalid ${rule}/${basename(file)}: not rejected with rule ${rule} naming an element (${got})`);
    }
  }
  for (const file of await bpmnFiles(join(dir, 'miwg'), false)) {
    figures.miwg.total += 1;
    const loaded = await loadBpmn(await readFile(file, 'utf8'), file);
    if (loaded.ok) figures.miwg.loaded += 1;
    else failures.push(`miwg ${basename(file)}: ${loaded.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.rule} ${d.element ?? ''}: ${d.message}`).join('; ')}`);
  }
  return { figures, failures };
}

/** The .bpmn files below a folder; betsy tests count only with their .expected.json. */
async function bpmnFiles(dir: string, needsExpected: boolean): Promise<string[]> {
  let entries: string[];
  try {
    entries = (await readdir(dir, { recursive: true })).map(String);
  } catch {
    return [];
  }
  const all = new Set(entries);
  return entries
    .filter((e) => e.endsWith('.bpmn') && (!needsExpected || all.has(e.replace(/\.bpmn$/, '.expected.json'))))
    .sort()
    .map((e) => join(dir, e));
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').slice(0, 300);
}

/** Figures that fell below their floor, as readable lines. */
export function belowFloors(figures: ConformanceFigures, floors: Partial<Record<string, Record<string, number>>>): string[] {
  const out: string[] = [];
  for (const [corpus, values] of Object.entries(floors)) {
    for (const [key, floor] of Object.entries(values ?? {})) {
      const actual = (figures as unknown as Record<string, Record<string, number>>)[corpus]?.[key] ?? 0;
      if (actual < floor) out.push(`${corpus}.${key} is ${actual}, below its floor of ${floor}`);
    }
  }
  return out;
}
