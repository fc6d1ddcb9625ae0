import { describe, expect, it } from 'vitest';
import { diffFiles, diffSchedules, schedulesAfter, type FileVersion } from '../../../src/gitops/diff.js';
import type { Diagnostic } from '../../../src/model/diagnostic.js';
import type { DeploymentModel } from '../../../src/model/process-model.js';
import type { Sidecar } from '../../../src/model/sidecar.js';
import { schedulesOf, type ScheduleDefinition } from '../../../src/schedule/scheduler-sources.js';
import { model as fixtureModel } from '../../store/fixtures.js';

function model(file: string, ...processIds: string[]): DeploymentModel {
  const processes = Object.fromEntries(processIds.map((id) => [id, { ...fixtureModel(id).processes[id]!, id }]));
  return { file, processes, globalTasks: {} };
}

const error: Diagnostic = { severity: 'error', rule: 'REF', file: 'b.bpmn', element: 'flow1', message: 'targetRef points nowhere.', fix: 'Connect it.' };
const valid = (file: string, version: string, ...ids: string[]): FileVersion => ({ file, version, model: model(file, ...ids), diagnostics: [] });
const invalid = (file: string): FileVersion => ({ file, version: 'x', diagnostics: [{ ...error, file }] });

function sidecar(schedules: Sidecar['schedules']): Sidecar {
  return { file: 'a.yaml', runtime: {}, retries: {}, tasks: {}, schedules, notifications: { onFailure: [], onSuccess: [] } };
}
const nightly = { id: 'nightly', cron: '0 2 * * *', timezone: 'UTC', variables: {}, overlap: 'skip', catchUp: 'last' } as const;

describe('diffFiles', () => {
  const current = new Map([
    ['a.bpmn', valid('a.bpmn', 'v1', 'a')],
    ['b.bpmn', valid('b.bpmn', 'v1', 'b')],
    ['gone.bpmn', valid('gone.bpmn', 'v1', 'gone')],
  ]);

  it('tells added, changed, unchanged, invalid and removed files apart', () => {
    const diffs = diffFiles(current, [valid('a.bpmn', 'v1', 'a'), invalid('b.bpmn'), valid('c.bpmn', 'v1', 'c'), valid('gone2.bpmn', 'v1', 'g2')]);
    expect(diffs.map((d) => [d.file, d.change, d.version ?? null])).toEqual([
      ['a.bpmn', 'unchanged', 'v1'],
      ['b.bpmn', 'invalid', 'v1'], // the last good version stays in effect
      ['c.bpmn', 'added', 'v1'],
      ['gone.bpmn', 'removed', null],
      ['gone2.bpmn', 'added', 'v1'],
    ]);
    expect(diffs[1]!.diagnostics).toEqual([error]);
    expect(diffs[1]!.processIds).toEqual(['b']);
  });

  it('a new version is changed, with the previous version named', () => {
    const [a] = diffFiles(new Map([['a.bpmn', valid('a.bpmn', 'v1', 'a')]]), [valid('a.bpmn', 'v2', 'a')]);
    expect(a).toMatchObject({ change: 'changed', version: 'v2', previousVersion: 'v1' });
  });

  it('refuses a second file defining a process id already in use, naming both', () => {
    const diffs = diffFiles(new Map(), [valid('a.bpmn', 'v1', 'p'), valid('b.bpmn', 'v1', 'p')]);
    expect(diffs.map((d) => d.change)).toEqual(['added', 'invalid']);
    expect(diffs[1]!.diagnostics[0]).toMatchObject({ rule: 'pipelane/duplicate-process', file: 'b.bpmn', element: 'p' });
    expect(diffs[1]!.diagnostics[0]!.message).toContain('a.bpmn');
  });

  it('an invalid file keeps its processes against a newcomer', () => {
    const diffs = diffFiles(new Map([['z.bpmn', valid('z.bpmn', 'v1', 'p')]]), [valid('a.bpmn', 'v1', 'p'), invalid('z.bpmn')]);
    expect(diffs.map((d) => [d.file, d.change])).toEqual([
      ['a.bpmn', 'invalid'],
      ['z.bpmn', 'invalid'],
    ]);
  });
});

describe('schedulesAfter and diffSchedules', () => {
  it('an invalid file keeps the schedules of its last good version', () => {
    const current = new Map([['a.bpmn', { ...valid('a.bpmn', 'v1', 'a'), sidecar: sidecar([nightly]) }]]);
    const next = [invalid('a.bpmn')];
    expect(schedulesAfter(diffFiles(current, next), current, next).map((s) => s.id)).toEqual(['a.bpmn#nightly']);
  });

  it('matches schedules by id: a new cron is a change, not a removal and an addition', () => {
    const before = schedulesOf('a.bpmn', model('a.bpmn', 'a'), sidecar([nightly]));
    const after = schedulesOf('a.bpmn', model('a.bpmn', 'a'), sidecar([{ ...nightly, cron: '0 3 * * *' }, { ...nightly, id: 'hourly', cron: '0 * * * *' }]));
    const diff = diffSchedules(before, after);
    expect(diff.changed.map((c) => [c.before.id, (c.after.trigger as { cron: string }).cron])).toEqual([['a.bpmn#nightly', '0 3 * * *']]);
    expect(diff.added.map((s) => s.id)).toEqual(['a.bpmn#hourly']);
    expect(diff.removed).toEqual([]);
    expect(diffSchedules(after, []).removed.map((s) => s.id)).toEqual(['a.bpmn#hourly', 'a.bpmn#nightly']);
  });

  it('the order of variables does not make a change', () => {
    const a: ScheduleDefinition[] = schedulesOf('a.bpmn', model('a.bpmn', 'a'), sidecar([{ ...nightly, variables: { x: 1, y: 2 } }]));
    const b = schedulesOf('a.bpmn', model('a.bpmn', 'a'), sidecar([{ ...nightly, variables: { y: 2, x: 1 } }]));
    expect(diffSchedules(a, b).unchanged).toHaveLength(1);
  });

  it('timer start events are schedules too, with BPMN policies', () => {
    const m = model('t.bpmn', 't');
    const process = m.processes['t']!;
    process.nodes['start'] = { ...process.nodes['start']!, eventDefinitions: [{ kind: 'timer', timer: 'timeCycle', expression: 'R/PT1H' }] };
    expect(schedulesOf('t.bpmn', m, undefined)).toEqual([
      {
        id: 't.bpmn#start',
        file: 't.bpmn',
        source: 'timerStartEvent',
        processId: 't',
        startEventId: 'start',
        trigger: { kind: 'timer', timer: 'timeCycle', expression: 'R/PT1H' },
        variables: {},
        overlap: 'allow',
        catchUp: 'last',
      },
    ]);
  });
});
