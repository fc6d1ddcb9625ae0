/** What loading a model checks of its user tasks: forms in the file, approval settings, reminder timers. */
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadModelFile } from '../../../src/gitops/discover.js';
import { approvalModel, reminderBoundary } from './models.js';

function repo(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'pipelane-validate-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

describe('loading a model with user tasks', () => {
  it('names the element, the rule and the fix for a bad form, approval settings on a script task and an unknown reminder timer', async () => {
    const badForm = '<extensionElements><camunda:formData><camunda:formField id="colour" type="color"/></camunda:formData></extensionElements>';
    const model = approvalModel('ship', { 'camunda:assignee': 'ada' }, { taskBody: badForm, boundaries: reminderBoundary('remind', 'PT1H'), extraFlows: [['remind', 'remind_end']] });
    const dir = repo({
      'pipelane.yaml': 'people:\n  ada: { email: ada@example.com }\n',
      'ship.bpmn': model,
      'ship.yaml': 'tasks:\n  prepare:\n    approval: { quorum: 2 }\n  approve:\n    approval:\n      timers: { remind: remind, nudge: remind }\n',
    });
    const loaded = await loadModelFile(dir, 'ship.bpmn');
    expect(loaded.model).toBeUndefined();
    expect(loaded.diagnostics.map((d) => [d.rule, d.element, d.message])).toEqual([
      ['pipelane/form', 'approve', 'the form of user task approve cannot be used: field "colour" has type "color"; use string, long, boolean, date or enum.'],
      ['pipelane/sidecar', 'prepare', 'tasks.prepare.approval configures prepare, which is a scriptTask, not a user task.'],
      ['pipelane/sidecar', 'nudge', 'tasks.approve.approval.timers.nudge names no non-interrupting timer boundary event of approve.'],
    ]);
    expect(loaded.diagnostics.every((d) => d.fix.length > 0)).toBe(true);
  });

  it('accepts the propensity example as it is', async () => {
    const loaded = await loadModelFile(join(import.meta.dirname, '../../../examples'), 'propensity/propensity.bpmn');
    expect(loaded.diagnostics).toEqual([]);
    expect(loaded.sidecar?.tasks['approve']?.approval).toMatchObject({ channels: ['email'], context: ['modelVersion', 'auc', 'rows', 'dataset'], attachments: ['report.html'], linkTtl: 3 * 86_400_000, quorum: 1 });
  });

  it('checks static names and onFailure against pipelane.yaml; expressions wait for run time', async () => {
    const yaml = 'people:\n  ada: { email: ada@example.com }\ngroups:\n  leads: [ada]\n';
    const model = approvalModel('ship', { 'camunda:assignee': '${owner}', 'camunda:candidateUsers': 'bob', 'camunda:candidateGroups': 'leads,admins', 'camunda:dueDate': '${due}' });
    const dir = repo({ 'pipelane.yaml': yaml, 'team/ship.bpmn': model, 'team/ship.yaml': 'notifications:\n  onFailure: [leads, ops@example.com, nobody]\n' });
    const loaded = await loadModelFile(dir, 'team/ship.bpmn');
    expect(loaded.diagnostics.map((d) => [d.severity, d.element ?? d.file, d.message])).toEqual([
      ['error', 'approve', 'the candidateUsers "bob" of user task approve is not a person of pipelane.yaml.'],
      ['error', 'approve', 'the candidateGroups "admins" of user task approve is not a group of pipelane.yaml.'],
      ['error', 'team/ship.yaml', 'notifications.onFailure names "nobody", who is no person or group of pipelane.yaml and no email address.'],
    ]);

    const broken = await loadModelFile(repo({ 'pipelane.yaml': 'groups:\n  g: [zed]\n', 'ship.bpmn': model }), 'ship.bpmn');
    expect(broken.diagnostics).toMatchObject([{ severity: 'error', rule: 'pipelane/people', file: 'pipelane.yaml', message: expect.stringContaining('groups.g lists "zed"') }]);
    const none = await loadModelFile(repo({ 'ship.bpmn': approvalModel('ship', { 'camunda:assignee': 'ada' }) }), 'ship.bpmn');
    expect(none.model).toBeDefined();
    expect(none.diagnostics).toMatchObject([{ severity: 'warning', message: 'the assignee "ada" of user task approve is not a person of pipelane.yaml (there is none).' }]);
  });
});
