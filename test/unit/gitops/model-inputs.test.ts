/** Which files a model's version depends on, from a tree of paths and blob ids. Pure. */
import { describe, expect, it } from 'vitest';
import { blobIn, configInputsOf, formPathsOf } from '../../../src/gitops/model-inputs.js';
import type { DeploymentModel, FlowNode } from '../../../src/model/process-model.js';

const userTask = (id: string, extensions: Record<string, string>) => ({ id, type: 'userTask', extensions }) as unknown as FlowNode;
const modelWith = (file: string, ...nodes: FlowNode[]): DeploymentModel =>
  ({ file, globalTasks: {}, processes: { p: { id: 'p', isExecutable: true, nodes: Object.fromEntries(nodes.map((n) => [n.id, n])), flows: {}, scopes: {} } } }) as DeploymentModel;

describe('configInputsOf', () => {
  it('lists the pipelane.yaml candidates nearest first, up to the one that exists', () => {
    const tree = new Map([['pipelane.yaml', 'r1'], ['a/pipelane.yaml', 'a1']]);
    expect(configInputsOf('a/b/m.bpmn', tree)).toEqual([['a/b/pipelane.yaml', null], ['a/pipelane.yaml', 'a1']]);
    expect(configInputsOf('m.bpmn', tree)).toEqual([['pipelane.yaml', 'r1']]);
    expect(configInputsOf('x/m.bpmn', new Map())).toEqual([['x/pipelane.yaml', null], ['pipelane.yaml', null]]);
  });
});

describe('formPathsOf', () => {
  it('resolves form keys as the task form does, and stands for every .form beside the model for a form id', () => {
    const model = modelWith(
      'team/m.bpmn',
      userTask('a', { 'camunda:formKey': 'camunda-forms:deployment:review.form' }),
      userTask('b', { 'camunda:formKey': 'camunda-forms:app:forms/shared.form' }),
      userTask('c', { 'zeebe:formKey': 'local.json' }),
      userTask('d', { 'zeebe:formId': 'decide' }),
      userTask('e', { 'camunda:formKey': 'embedded:app:forms/x.html' }),
      userTask('f', { 'camunda:formKey': 'camunda-forms:deployment:../../outside.form' }),
    );
    expect(formPathsOf('team/m.bpmn', model)).toEqual(['forms/shared.form', 'team/*.form', 'team/local.json', 'team/review.form']);
  });
});

describe('blobIn', () => {
  it('is a blob, or for dir/*.form one hash of the .form files directly in that directory', () => {
    const tree = new Map([['team/a.form', 'x'], ['team/sub/b.form', 'y'], ['team/m.bpmn', 'z']]);
    expect(blobIn(tree, 'team/m.bpmn')).toBe('z');
    expect(blobIn(tree, 'team/missing.form')).toBeNull();
    const forms = blobIn(tree, 'team/*.form');
    expect(forms).toMatch(/^[0-9a-f]{40}$/);
    expect(blobIn(new Map([...tree, ['team/sub/b.form', 'changed']]), 'team/*.form')).toBe(forms);
    expect(blobIn(new Map([...tree, ['team/c.form', 'new']]), 'team/*.form')).not.toBe(forms);
    expect(blobIn(tree, '*.form')).toBeNull();
  });
});
