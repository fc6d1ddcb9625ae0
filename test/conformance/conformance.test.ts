import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { conformanceDir } from '../support/conformance-dir.js';
import { belowFloors, runConformance } from './corpus.js';

const here = dirname(fileURLToPath(import.meta.url));
const dir = conformanceDir();
const floors = JSON.parse(readFileSync(join(here, 'floors.json'), 'utf8')) as Record<string, Record<string, number>>;

/**
 * The engine and the validator held against the corpora written outside this
 * project. A figure may rise (then raise its floor in floors.json), never drop.
 */
it('keeps every conformance figure at or above its floor', async ({ skip }) => {
  if (!existsSync(dir)) {
    if (process.env.CI === 'true') throw new Error(`the conformance corpora are missing at ${dir}: set CONFORMANCE_DIR to the folder holding betsy/, invalid/ and miwg/`);
    skip();
  }
  const report = await runConformance(dir);
  console.log(report.failures.join('\n'));
  console.log(JSON.stringify(report.figures));
  expect(belowFloors(report.figures, floors)).toEqual([]);
  expect(report.figures.betsy.total).toBeGreaterThan(0);
}, 120_000);
