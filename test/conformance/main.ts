/**
 * `npm run conformance -- DIR [--floors FILE]`: runs the corpora in DIR and
 * prints one line per failing test, then the figures as one JSON line. With
 * --floors, exits 1 when a figure is below its floor.
 */
import { readFile } from 'node:fs/promises';
import { belowFloors, runConformance } from './corpus.js';

const args = process.argv.slice(2);
const floorsAt = args.indexOf('--floors');
const floorsFile = floorsAt >= 0 ? args[floorsAt + 1] : undefined;
const dir = args.find((a, i) => !a.startsWith('--') && i !== floorsAt + 1 || (floorsAt < 0 && !a.startsWith('--')));
if (!dir) {
  console.error('usage: npm run conformance -- DIR [--floors FILE]   (DIR holds betsy/, invalid/ and/or miwg/)');
  process.exit(2);
}
const report = await runConformance(dir);
for (const line of report.failures) console.log(line);
const below = floorsFile ? belowFloors(report.figures, JSON.parse(await readFile(floorsFile, 'utf8'))) : [];
for (const line of below) console.error(line);
console.log(JSON.stringify(report.figures));
process.exit(below.length > 0 ? 1 : 0);
