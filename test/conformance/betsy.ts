import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { loadBpmn } from '../../src/model/load.js';
import { translateConditions } from './translate.js';
import { World } from './world.js';

interface TestCase {
  inputs: Record<string, unknown>;
  expectedTrace: string[];
  delayMs: number;
  parallelProcess: boolean;
}

export interface BetsyResult {
  test: string;
  cases: { passed: boolean; expected: string[]; actual: string[]; reason?: string }[];
}

/** Runs every case of one betsy test (a .bpmn file beside its .expected.json). */
export async function runBetsyTest(bpmnPath: string): Promise<BetsyResult> {
  const test = basename(bpmnPath, '.bpmn');
  const expected = JSON.parse(await readFile(bpmnPath.replace(/\.bpmn$/, '.expected.json'), 'utf8')) as { testCases: TestCase[] };
  const xml = translateConditions(await readFile(bpmnPath, 'utf8'));
  const loaded = await loadBpmn(xml, bpmnPath);
  const cases = [];
  for (const testCase of expected.testCases) {
    let actual: string[];
    let reason: string | undefined;
    if (!loaded.ok) {
      actual = ['ERROR_deployment'];
      reason = loaded.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.rule} ${d.element ?? ''}: ${d.message}`).join('; ');
    } else {
      ({ actual, reason } = runCase(loaded.model, test, testCase));
    }
    cases.push({ passed: sameMultiset(actual, testCase.expectedTrace), expected: testCase.expectedTrace, actual, ...(reason ? { reason } : {}) });
  }
  return { test, cases };
}

function runCase(model: ConstructorParameters<typeof World>[0], test: string, testCase: TestCase): { actual: string[]; reason?: string } {
  const world = new World(model);
  let mainId: string;
  try {
    if (testCase.parallelProcess) world.start('ParallelProcess', {});
    mainId = world.start(test, { ...testCase.inputs });
    world.runUntil(testCase.delayMs);
  } catch (err) {
    const message = err instanceof Error ? (err.stack ?? err.message) : String(err);
    return { actual: [...world.observed.trace, 'ERROR_runtime'], reason: message };
  }
  const o = world.observed;
  const actual = [...o.trace];
  if (o.marker) actual.push('MARKER_exists');
  if (o.dataCorrect) actual.push('DATA_correct');
  const [a, b] = [o.intervals['CREATE_TIMESTAMP_LOG_1'], o.intervals['CREATE_TIMESTAMP_LOG_2']];
  if (a && b && a[0] < b[1] && b[0] < a[1]) actual.push('EXECUTION_parallel');
  const main = world.instances.get(mainId);
  if (o.runtimeErrors.length > 0) actual.push('ERROR_runtime');
  else if (main?.status === 'failed') actual.push('ERROR_thrownErrorEvent');
  return { actual, ...(o.runtimeErrors.length ? { reason: o.runtimeErrors.join('; ') } : {}) };
}

function sameMultiset(actual: string[], expected: string[]): boolean {
  const normal = (list: string[]) => [...list].sort();
  const a = normal(actual);
  const e = normal(expected);
  if (e.includes('ERROR')) {
    const i = a.findIndex((x) => x === 'ERROR_runtime' || x === 'ERROR_deployment');
    if (i < 0) return false;
    a.splice(i, 1, 'ERROR');
    a.sort();
  }
  return a.length === e.length && a.every((x, i) => x === e[i]);
}
