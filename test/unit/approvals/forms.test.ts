import { describe, expect, it } from 'vitest';
import { formJsForm, validateSubmission, type FormDefinition } from '../../../src/model/forms.js';
import { compileModel } from '../../../src/model/compile.js';
import { parseBpmn } from '../../../src/model/parse.js';

const form: FormDefinition = {
  source: 'camunda:formData',
  fields: [
    { id: 'amount', label: 'Amount', type: 'long', required: true, min: 1, max: 100 },
    { id: 'region', label: 'Region', type: 'enum', required: false, defaultValue: 'eu', values: [{ id: 'eu', label: 'Europe' }, { id: 'us', label: 'US' }] },
    { id: 'ticket', label: 'Ticket', type: 'string', required: false, pattern: '[A-Z]+-\\d+', maxLength: 10 },
    { id: 'urgent', label: 'Urgent', type: 'boolean', required: false },
    { id: 'start', label: 'Start', type: 'date', required: false },
  ],
};

describe('validateSubmission', () => {
  it('types text values and fills in defaults', () => {
    expect(validateSubmission(form, { amount: '42', ticket: 'OPS-7', urgent: 'on', start: '2026-03-01' })).toEqual({
      ok: true, values: { amount: 42, region: 'eu', ticket: 'OPS-7', urgent: true, start: '2026-03-01' },
    });
  });

  it('gives one message per bad field', () => {
    const result = validateSubmission(form, { amount: '4.5', region: 'mars', ticket: 'ops', urgent: 'maybe', start: '2026-02-30', extra: 1 });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(Object.fromEntries(result.errors.map((e) => [e.field, e.message]))).toEqual({
      extra: '"extra" is not a field of this form.',
      amount: 'Amount must be a whole number, not "4.5".',
      region: 'Region must be one of eu, us, not "mars".',
      ticket: 'Ticket must match the pattern [A-Z]+-\\d+.',
      urgent: 'Urgent must be true or false, not "maybe".',
      start: 'Start must be a date such as 2026-03-01, not "2026-02-30".',
    });
  });

  it('requires required fields unless lenient (a rejection), and checks bounds', () => {
    expect(validateSubmission(form, {})).toMatchObject({ ok: false, errors: [{ field: 'amount', message: 'Amount is required.' }] });
    expect(validateSubmission(form, {}, { lenient: true })).toEqual({ ok: true, values: { region: 'eu' } });
    expect(validateSubmission(form, { amount: 101 })).toMatchObject({ ok: false, errors: [{ message: 'Amount must be at most 100.' }] });
  });
});

describe('formJsForm', () => {
  it('reads input components, nested groups included, with their constraints', () => {
    const result = formJsForm({
      components: [
        { type: 'textfield', key: 'name', label: 'Name', validate: { required: true, minLength: 2, pattern: '[a-z]+' } },
        { type: 'group', components: [{ type: 'number', key: 'count', decimalDigits: 0, validate: { min: 0, max: 9 } }] },
        { type: 'select', key: 'size', values: [{ label: 'Small', value: 's' }], defaultValue: 's' },
        { type: 'datetime', key: 'day', subtype: 'date' },
        { type: 'textfield', key: 'mail', validate: { validationType: 'email' } },
        { type: 'text', text: 'static' },
      ],
    });
    expect(result.ok && result.form.fields.map((f) => [f.id, f.type])).toEqual([['name', 'string'], ['count', 'long'], ['size', 'enum'], ['day', 'date'], ['mail', 'string']]);
    expect(result.ok && validateSubmission(result.form, { name: 'x', count: '10', mail: 'nope' })).toMatchObject({ ok: false, errors: [{ field: 'name' }, { field: 'count' }, { field: 'mail' }] });
  });

  it('refuses what it cannot check', () => {
    expect(formJsForm({ components: [{ type: 'select', key: 'x', valuesKey: 'dynamic' }] })).toMatchObject({ ok: false });
    expect(formJsForm({ components: [{ type: 'filepicker', key: 'f' }, { type: 'taglist', key: 't' }] })).toMatchObject({ ok: false, message: expect.stringContaining('taglist') });
    expect(formJsForm([])).toMatchObject({ ok: false });
  });
});

describe('compiled forms', () => {
  it('puts camunda:formData and an embedded Zeebe form on the user task', async () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="d" targetNamespace="t">
  <process id="P" isExecutable="true">
    <extensionElements><zeebe:userTaskForm id="f1">{"components":[{"type":"checkbox","key":"approved"}]}</zeebe:userTaskForm></extensionElements>
    <userTask id="a"><extensionElements><camunda:formData><camunda:formField id="n" label="N" type="long"><camunda:validation><camunda:constraint name="max" config="3"/></camunda:validation></camunda:formField></camunda:formData></extensionElements></userTask>
    <userTask id="b"><extensionElements><zeebe:formDefinition formKey="camunda-forms:bpmn:f1"/><zeebe:taskSchedule dueDate="=due"/></extensionElements></userTask>
    <userTask id="c"><extensionElements><camunda:formData><camunda:formField id="x" type="color"/></camunda:formData></extensionElements></userTask>
  </process>
</definitions>`;
    const parsed = await parseBpmn(xml, 'f.bpmn');
    if (!parsed.ok) throw new Error('parse');
    const nodes = compileModel(parsed.parsed).processes['P']!.nodes;
    expect(nodes['a']!.form).toEqual({ source: 'camunda:formData', fields: [{ id: 'n', label: 'N', type: 'long', required: false, max: 3 }] });
    expect(nodes['b']!.form?.fields.map((f) => f.id)).toEqual(['approved']);
    expect(nodes['b']!.extensions['zeebe:dueDate']).toBe('=due');
    expect(nodes['c']!.formProblem).toContain('type "color"');
  });
});

describe('a refused form over the API', () => {
  it('answers 422 with a message per field', async () => {
    const { errorReply } = await import('../../../src/http/respond.js');
    const { FormInvalidError } = await import('../../../src/approvals/task-form.js');
    const { reply } = errorReply(new FormInvalidError([{ field: 'amount', message: 'Amount is required.' }], 'task "Approve" (t1)'));
    expect(reply).toMatchObject({ status: 422, body: { code: 'FORM_INVALID', fields: [{ field: 'amount', message: 'Amount is required.' }] } });
    expect((reply.body as { message: string }).message).toBe('the values for task "Approve" (t1) are not valid: Amount is required.');
  });
});
