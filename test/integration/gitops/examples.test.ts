/**
 * Every example under examples/ runs, with real Docker: the scraping
 * pipeline end to end (fetch and parse in Python, summarise in R, report),
 * and its failure path (an empty page raises NO_DATA, caught by the error
 * boundary event). The examples directory is the repository, mounted at /repo.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deployModelFile, openRuntime } from '../../../src/cli/open-runtime.js';
import { loadConfig } from '../../../src/config/config.js';
import { loadModelFile } from '../../../src/gitops/discover.js';
import { schedulesOf } from '../../../src/schedule/scheduler-sources.js';
import { nextFires } from '../../../src/schedule/fires.js';
import type { Runtime } from '../../../src/runtime/runtime.js';
import { dockerAvailable } from '../docker-available.js';

const EXAMPLES = resolve(import.meta.dirname, '../../../examples');
let docker = false;
let runtime: Runtime | undefined;
const dataDir = mkdtempSync(join(tmpdir(), 'pipelane-examples-'));

beforeAll(async () => {
  docker = await dockerAvailable();
});
afterAll(() => {
  runtime?.stop();
  runtime?.store.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function run(processId: string, variables: Record<string, unknown>) {
  const id = runtime!.start({ processId, variables, actor: 'test' });
  await new Promise<void>((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`instance ${id} did not end within 120 s`)), 120_000);
    const check = () => {
      const instance = runtime!.store.getInstance(id)!;
      if (instance.status !== 'running' || Object.keys(instance.state.incidents).length > 0) {
        clearTimeout(timer);
        off();
        done();
      }
    };
    const off = runtime!.onActivity(check);
    check();
  });
  const instance = runtime!.store.getInstance(id)!;
  const report = join(dataDir, 'workspaces', id, 'report.md');
  return { instance, report: existsSync(report) ? readFileSync(report, 'utf8') : undefined };
}

describe('examples/scraping', () => {
  it('is valid, with a bpmndi diagram and a weekday schedule in Berlin time', async () => {
    const file = await loadModelFile(EXAMPLES, 'scraping/scraping.bpmn');
    expect(file.diagnostics).toEqual([]);
    expect(readFileSync(join(EXAMPLES, 'scraping/scraping.bpmn'), 'utf8')).toContain('<bpmndi:BPMNDiagram');
    const [schedule] = schedulesOf(file.file, file.model!, file.sidecar);
    expect(schedule).toMatchObject({ id: 'scraping/scraping.bpmn#weekday-morning', trigger: { cron: '0 6 * * 1-5', timezone: 'Europe/Berlin' }, overlap: 'skip', catchUp: 'last' });
    const fires = nextFires('0 6 * * 1-5', 'Europe/Berlin', Date.parse('2026-03-27T12:00:00Z'), 2).map((t) => new Date(t).toISOString());
    expect(fires).toEqual(['2026-03-30T04:00:00.000Z', '2026-03-31T04:00:00.000Z']); // after the spring change: 06:00 CEST
  });

  it('fetches, parses in Python, summarises in R and writes the report', async ({ skip }) => {
    if (!docker) skip();
    runtime = openRuntime(loadConfig({ dataDir, concurrency: 2 }, {}));
    const file = await loadModelFile(EXAMPLES, 'scraping/scraping.bpmn');
    deployModelFile(runtime.store, EXAMPLES, file, Date.now());

    const { instance, report } = await run('scraping', { source: 'listings.html' });
    expect(instance.status).toBe('completed');
    expect(instance.state.variables).toMatchObject({ listings: 8, categories: 4, cheapestCategory: 'city', reportFile: 'report.md' });
    expect(instance.state.variables['meanPrice']).toBeCloseTo(726.25, 2);
    expect(report).toContain('# Second-hand bike prices');
    expect(report).toContain('| gravel | 2 | 1120.00 | 1120.00 |');
    expect(instance.state.variables['report']).toBe(report);
  });

  it('takes the error path when the page is empty: NO_DATA is caught by the boundary event', async ({ skip }) => {
    if (!docker || !runtime) skip();
    const { instance, report } = await run('scraping', { source: 'empty.html' });
    expect(instance.status).toBe('completed');
    expect(instance.state.variables).toMatchObject({ errorCode: 'NO_DATA', reportFile: 'report.md' });
    expect(report).toContain('No report today: the page empty.html is empty or missing.');
    expect(runtime!.store.listJobs({ instanceId: instance.id }).map((j) => j.elementId).sort()).toEqual(['fetch', 'noDataReport']);
  });
});
