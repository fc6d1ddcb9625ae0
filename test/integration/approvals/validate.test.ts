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
});
