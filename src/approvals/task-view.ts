/**
 * What a person is shown about a task, the same in the mail, on the page and
 * in the GitHub issue: the process, the task, its due dates, the context
 * variables the sidecar lists, and the files of the instance's workspace it
 * names.
 */
import type { ApprovalSettings } from '../model/approval-settings.js';
import type { ApprovalStore } from '../ports/approval-store.js';
import type { Store, UserTaskRecord } from '../ports/store.js';
import type { Assignment } from './assignment.js';
import { formOf, settingsOf } from './decide.js';
import type { TaskForm } from './task-form.js';

export interface TaskView {
  task: UserTaskRecord;
  processName: string;
  taskName: string;
  assignment?: Assignment;
  context: { name: string; value: string }[];
  attachments: string[];
  form: TaskForm;
  settings: ApprovalSettings;
}

const MAX_VALUE_CHARS = 500;

export function taskView(store: Store, approvals: ApprovalStore, task: UserTaskRecord): TaskView {
  const instance = store.getInstance(task.instanceId);
  const deployment = instance && store.getDeployment(instance.deploymentId);
  const processName = deployment?.model.processes[task.processId]?.name ?? task.processId;
  const settings = settingsOf(store, task);
  const context = settings.context.map((name) => ({ name, value: show(task.variables[name]) }));
  const assignment = approvals.getAssignment(task.id)?.assignment;
  return {
    task, processName, taskName: task.name ?? task.elementId, context, attachments: settings.attachments, form: formOf(store, task), settings,
    ...(assignment ? { assignment } : {}),
  };
}

function show(value: unknown): string {
  if (value === undefined) return '(not set)';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS)}…` : text;
}
