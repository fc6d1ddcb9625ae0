/** planOf and its formats, pure, at a fixed "now" (a virtual clock). */
import { describe, expect, it } from 'vitest';
import type { FileVersion } from '../../../src/gitops/diff.js';
import { formatPlan } from '../../../src/gitops/plan-format.js';
import { planOf, type Plan } from '../../../src/gitops/plan.js';
import type { Sidecar } from '../../../src/model/sidecar.js';
import { model } from '../../store/fixtures.js';

const NOW = Date.parse('2026-03-27T12:00:00Z'); // two days before Berlin springs forward
const sidecar = (cron: string): Sidecar => ({
  file: 'x.yaml',
  runtime: {},
  retries: {},
  tasks: {},
  schedules: [{ id: 'night', cron, timezone: 'Europe/Berlin', variables: {}, overlap: 'skip', catchUp: 'last' }],
  notifications: { onFailure: [], onSuccess: [] },
});
const file = (name: string, version: string, cron?: string): FileVersion => ({
  file: `${name}.bpmn`,
  version,
  model: { ...model(name), file: `${name}.bpmn` },
  ...(cron ? { sidecar: sidecar(cron) } : {}),
  diagnostics: [],
});

function plan(from: FileVersion[], to: FileVersion[]): Plan {
  return { from: { revision: 'a'.repeat(40), label: 'HEAD~1' }, to: { revision: 'worktree', label: 'the working tree' }, ...planOf(from, to, NOW) };
}

describe('planOf', () => {
  it('lists processes by change and schedules with their next three fires across a DST change', () => {
    const p = plan([file('kept', 'v1'), file('etl', 'v1', '30 2 * * *'), file('old', 'v1')], [file('kept', 'v1'), file('etl', 'v2', '0 2 * * *'), file('new', 'v1', '30 2 * * *')]);
    expect(p.processes.map((x) => [x.processId, x.change])).toEqual([
      ['etl', 'changed'],
      ['new', 'added'],
      ['old', 'removed'],
    ]);
    const added = p.schedules.find((s) => s.id === 'new.bpmn#night')!;
    // 02:30 Berlin: 01:30Z on the 28th (CET); the 29th has no 02:30; 00:30Z on the 30th (CEST).
    expect(added.next.map((t) => new Date(t).toISOString())).toEqual(['2026-03-28T01:30:00.000Z', '2026-03-30T00:30:00.000Z', '2026-03-31T00:30:00.000Z']);
    expect(p.schedules.find((s) => s.id === 'etl.bpmn#night')).toMatchObject({ change: 'changed', previousTrigger: { cron: '30 2 * * *' }, trigger: { cron: '0 2 * * *' } });
  });

  it('an invalid target file is listed and changes nothing else', () => {
    const broken: FileVersion = { file: 'etl.bpmn', version: 'v9', diagnostics: [{ severity: 'error', rule: 'REF', file: 'etl.bpmn', element: 'f1', message: 'points nowhere.', fix: 'Connect it.' }] };
    const p = plan([file('etl', 'v1', '30 2 * * *')], [broken]);
    expect(p.processes).toEqual([]);
    expect(p.schedules).toEqual([]);
    expect(p.invalid).toMatchObject([{ file: 'etl.bpmn' }]);
    expect(formatPlan(p, 'text')).toContain('etl.bpmn f1: error REF: points nowhere. Fix: Connect it.');
  });

  it('prints text, json and GitHub Markdown', () => {
    const p = plan([], [file('new', 'v1', '30 2 * * *')]);
    expect(formatPlan(p, 'text').split('\n').slice(0, 4)).toEqual(['Plan: aaaaaaaa (HEAD~1) → the working tree', '', 'Processes:', '  + new  new.bpmn  (new, version v1)']);
    expect(JSON.parse(formatPlan(p, 'json'))).toMatchObject({ ok: true, schedules: [{ id: 'new.bpmn#night', next: ['2026-03-28T01:30:00.000Z', '2026-03-30T00:30:00.000Z', '2026-03-31T00:30:00.000Z'] }] });
    const md = formatPlan(p, 'github');
    expect(md).toContain('| added | `new` | `new.bpmn` | `v1` |');
    expect(md).toContain('| added | `new.bpmn#night` | cron "30 2 * * *" (Europe/Berlin) | 2026-03-28T01:30:00.000Z<br>');
    expect(formatPlan(plan([file('x', 'v1')], [file('x', 'v1')]), 'text')).toContain('No changes.');
  });
});
