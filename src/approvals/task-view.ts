/**
 * What a person is shown about a task, the same in the mail, on the page and
 * in the GitHub issue: the process, the task, its due dates, the context
 * variables the sidecar lists, and the files of the instance's workspace it
 * names.
 */
import { open, stat } from 'node:fs/promises';
import { relative, resolve, sep } from 'node:path';
import type { ApprovalSettings } from '../model/approval-settings.js';
import type { ApprovalStore } from '../ports/approval-store.js';
import type { MailAttachment } from '../ports/mailer.js';
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

/** A workspace file by the name the sidecar gives it; undefined when the name leaves the workspace. */
export function workspaceFile(workspacesDir: string, instanceId: string, name: string): string | undefined {
  const root = resolve(workspacesDir, instanceId);
  const path = resolve(root, name);
  const rel = relative(root, path);
  if (rel === '' || rel.startsWith('..') || rel.split(sep).includes('..')) return undefined;
  return path;
}

export interface Attachments {
  files: MailAttachment[];
  /** One line per file that is not attached, saying why. */
  notes: string[];
}

/** Reads the named workspace files up to `cap` bytes in all; a missing or too large file becomes a note. */
export async function readAttachments(workspacesDir: string, instanceId: string, names: readonly string[], cap: number): Promise<Attachments> {
  const files: MailAttachment[] = [];
  const notes: string[] = [];
  let used = 0;
  for (const name of names) {
    const path = workspaceFile(workspacesDir, instanceId, name);
    const size = path ? await stat(path).then((s) => (s.isFile() ? s.size : undefined), () => undefined) : undefined;
    if (path === undefined || size === undefined) {
      notes.push(`${name} was not found in the workspace of the instance, so it is not attached.`);
      continue;
    }
    if (used + size > cap) {
      notes.push(`${name} (${formatBytes(size)}) is not attached: the attachments of one mail are capped at ${formatBytes(cap)}. Open it from the approval page.`);
      continue;
    }
    const handle = await open(path, 'r');
    try {
      const content = Buffer.alloc(size);
      await handle.read(content, 0, size, 0);
      files.push({ filename: name.split('/').at(-1) ?? name, content });
      used += size;
    } finally {
      await handle.close();
    }
  }
  return { files, notes };
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 ** 2).toFixed(1)} MB`;
}

