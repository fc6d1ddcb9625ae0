import { describe, expect, it, vi } from 'vitest';
import { loadBpmn } from '../../../src/model/load.js';

// A fault in one rule module or in the compiler stands for any bug Pipelane's code may have on an unusual file.
vi.mock('../../../src/model/validate/timers.js', () => ({
  checkTimers: (ctx: { file: string }) => {
    if (ctx.file.includes('validator-fault')) throw new Error('rule module fault');
  },
}));
vi.mock('../../../src/model/compile-loops.js', () => ({
  loopOf: (el: { loopCharacteristics?: unknown }) => {
    if (el.loopCharacteristics) throw new Error('compiler fault');
    return undefined;
  },
}));

const xml = (task: string) => `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="D" targetNamespace="http://example.com/test">
  <process id="P" isExecutable="true">
    <startEvent id="Start"><outgoing>F1</outgoing></startEvent>${task}<endEvent id="End"><incoming>F2</incoming></endEvent>
    <sequenceFlow id="F1" sourceRef="Start" targetRef="Work"/><sequenceFlow id="F2" sourceRef="Work" targetRef="End"/>
  </process>
</definitions>`;

describe('loading a file on which Pipelane itself fails', () => {
  it('turns a failing rule module into an error diagnostic naming the file, and keeps the other findings', async () => {
    const loaded = await loadBpmn(xml('<task id="Work" startQuantity="0"><incoming>F1</incoming><outgoing>F2</outgoing></task>'), 'models/validator-fault.bpmn');
    expect(loaded.ok).toBe(false);
    expect(loaded.diagnostics).toContainEqual(expect.objectContaining({ severity: 'error', rule: 'pipelane/internal', file: 'models/validator-fault.bpmn' }));
    expect(loaded.diagnostics.find((d) => d.rule === 'pipelane/internal')!.message).toContain('rule module fault');
    expect(loaded.diagnostics).toContainEqual(expect.objectContaining({ rule: 'EXT037', element: 'Work' }));
  });

  it('turns a failure to compile an element into an error diagnostic naming the file and the element', async () => {
    const loaded = await loadBpmn(xml(`<task id="Work"><incoming>F1</incoming><outgoing>F2</outgoing>
      <standardLoopCharacteristics/></task>`), 'models/m.bpmn');
    expect(loaded.ok).toBe(false);
    const internal = loaded.diagnostics.filter((d) => d.rule === 'pipelane/internal');
    expect(internal.map((d) => ({ file: d.file, element: d.element }))).toEqual([
      { file: 'models/m.bpmn', element: 'Work' },
    ]);
    expect(internal[0]!.message).toContain('compiler fault');
  });
});
