import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../../src/model/diagnostic.js';
import { parseBpmn } from '../../../src/model/parse.js';
import { validateModel } from '../../../src/model/validate/index.js';
import { conformanceDir } from '../../support/conformance-dir.js';

// The conformance corpora live beside the repository (see ../shared/conformance/README.md).
const corpus = conformanceDir();

const REJECTION_FLOOR = 0.9;

function bpmnFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return bpmnFiles(path);
      return name.endsWith('.bpmn') ? [path] : [];
    });
}

async function diagnose(path: string): Promise<{ diagnostics: Diagnostic[]; ids: Set<string> }> {
  const xml = readFileSync(path, 'utf8');
  const parsed = await parseBpmn(xml, path);
  const ids = new Set([...xml.matchAll(/\sid="([^"]*)"/g)].map((m) => m[1]!));
  if (!parsed.ok) return { diagnostics: parsed.diagnostics, ids };
  return { diagnostics: validateModel(parsed.parsed, parsed.diagnostics), ids };
}

/**
 * Betsy's oracle: a model every one of whose test cases expects ["ERROR"] (which accepts ERROR_deployment,
 * see the corpus README) or ERROR_deployment is one an engine may refuse to deploy, so errors on it are
 * not false positives.
 */
function mayBeRefused(path: string): boolean {
  const oracle = path.replace(/\.bpmn$/, '.expected.json');
  if (!existsSync(oracle)) return false;
  const { testCases } = JSON.parse(readFileSync(oracle, 'utf8')) as { testCases: { expectedTrace: string[] }[] };
  return (
    testCases.length > 0 &&
    testCases.every((c) => c.expectedTrace.includes('ERROR_deployment') || (c.expectedTrace.length === 1 && c.expectedTrace[0] === 'ERROR'))
  );
}

/** A diagnostic names an element by an id of the file, or by `<tag>` when the element has none. */
function namesAnElement(d: Diagnostic, ids: Set<string>): boolean {
  return d.element !== undefined && (ids.has(d.element) || /^<[\w:.-]+>$/.test(d.element));
}

describe('validator against the conformance corpora', () => {
  it('rejects the invalid models with the rule their folder names', async () => {
    const root = join(corpus, 'invalid');
    const rules = existsSync(root) ? readdirSync(root).filter((n) => statSync(join(root, n)).isDirectory()) : [];
    const misses: string[] = [];
    let total = 0;
    for (const rule of rules.sort()) {
      for (const path of bpmnFiles(join(root, rule))) {
        total++;
        const { diagnostics, ids } = await diagnose(path);
        const hit = diagnostics.some((d) => d.severity === 'error' && d.rule === rule && namesAnElement(d, ids));
        if (!hit) {
          const found = [...new Set(diagnostics.filter((d) => d.severity === 'error').map((d) => d.rule))].join(',') || 'no errors';
          misses.push(`${relative(root, path)} (found: ${found})`);
        }
      }
    }
    const rejected = total - misses.length;
    console.log(`invalid corpus: ${rejected}/${total} rejected with the right rule (${((100 * rejected) / Math.max(total, 1)).toFixed(1)}%)`);
    if (misses.length > 0) console.log(`misses:\n  ${misses.join('\n  ')}`);
    expect(total).toBeGreaterThan(0);
    expect(rejected / total).toBeGreaterThanOrEqual(REJECTION_FLOOR);
  });

  it('finds no errors in the valid models (betsy, MIWG)', async () => {
    const paths = [...bpmnFiles(join(corpus, 'betsy')), ...bpmnFiles(join(corpus, 'miwg'))];
    const falseErrors: string[] = [];
    const refusals: string[] = [];
    for (const path of paths) {
      const { diagnostics } = await diagnose(path);
      for (const d of diagnostics.filter((x) => x.severity === 'error')) {
        const line = `${relative(corpus, path)}: ${d.element ?? ''} ${d.rule}: ${d.message}`;
        (mayBeRefused(path) ? refusals : falseErrors).push(line);
      }
    }
    console.log(`valid corpora: ${paths.length} models, ${falseErrors.length} false errors`);
    if (refusals.length > 0) console.log(`errors on models betsy expects to be refused (not counted):\n  ${refusals.join('\n  ')}`);
    if (falseErrors.length > 0) console.log(`false errors:\n  ${falseErrors.join('\n  ')}`);
    expect(paths.length).toBeGreaterThan(0);
    expect(falseErrors).toEqual([]);
  });
});
