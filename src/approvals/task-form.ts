/**
 * The form of an open task, from its deployment (the instance's pinned
 * files), and the check of a submission against it. A task is an approval
 * when it has no form fields or a form with an `approved` field: it is
 * decided by approve/reject (plus a comment). Otherwise it is a form that is
 * submitted.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, posix, relative, resolve, sep } from 'node:path';
import { PipelaneError } from '../errors.js';
import { formSourceOf } from '../model/form-source.js';
import { formJsForm, validateSubmission, type FieldError, type FormDefinition, type FormField } from '../model/forms.js';
import type { FlowNode } from '../model/process-model.js';
import type { DeploymentRecord } from '../ports/store.js';

export interface TaskForm {
  /** The fields a person fills in (an approval's own `approved` field left out). */
  fields: FormField[];
  approval: boolean;
  /** Where the fields come from; undefined for a task without a form. */
  source?: string;
}

export class FormInvalidError extends PipelaneError {
  constructor(readonly fields: FieldError[], taskLabel: string) {
    super('FORM_INVALID', `the values for ${taskLabel} are not valid: ${fields.map((f) => f.message).join(' ')}`);
  }
}

export function taskNode(deployment: DeploymentRecord, processId: string, elementId: string): FlowNode {
  const node = deployment.model.processes[processId]?.nodes[elementId];
  if (!node) throw new PipelaneError('INTERNAL', `deployment ${deployment.id} has no element ${elementId} in process ${processId}.`, { elementId });
  return node;
}

/** The task's form; throws MODEL_INVALID naming the task when the form cannot be read. */
export function formOfTask(deployment: DeploymentRecord, node: FlowNode): TaskForm {
  if (node.formProblem) throw new PipelaneError('MODEL_INVALID', `the form of user task ${node.id} in ${deployment.file} cannot be used: ${node.formProblem}.`, { elementId: node.id, file: deployment.file });
  const form = node.form ?? formFromFile(deployment, node);
  if (!form) return { fields: [], approval: true };
  const approval = form.fields.length === 0 || form.fields.some((f) => f.id === 'approved');
  return { fields: form.fields.filter((f) => !(approval && f.id === 'approved')), approval, source: form.source };
}

/**
 * Checks the variables a task is completed with. Without a form anything
 * goes here (the CLI and the REST API, an operator's channels, may set any
 * variable; decide() keeps links and comments to the decision), but
 * `approved` must be a boolean and `comment` text. With a form the
 * values must fit its fields (a rejection may leave required fields empty).
 * Returns the typed variables.
 */
export function checkSubmission(form: TaskForm, variables: Record<string, unknown>, taskLabel: string): Record<string, unknown> {
  const errors: FieldError[] = [];
  const out: Record<string, unknown> = { ...variables };
  if ('approved' in variables || (form.approval && form.source !== undefined)) {
    const approved = toBoolean(variables['approved']);
    if (approved === undefined) errors.push({ field: 'approved', message: 'approved must be true or false.' });
    else out['approved'] = approved;
  }
  if (variables['comment'] !== undefined && typeof variables['comment'] !== 'string') errors.push({ field: 'comment', message: 'comment must be text.' });
  if (form.source !== undefined) {
    const definition: FormDefinition = { source: form.source as FormDefinition['source'], fields: form.fields };
    const own = new Set(form.fields.map((f) => f.id));
    const rest = Object.fromEntries(Object.entries(variables).filter(([k]) => own.has(k) || !(form.approval && (k === 'approved' || k === 'comment'))));
    const result = validateSubmission(definition, rest, { lenient: out['approved'] === false });
    if (result.ok) Object.assign(out, result.values);
    else errors.push(...result.errors);
  }
  if (errors.length > 0) throw new FormInvalidError(errors, taskLabel);
  return out;
}

function toBoolean(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (value === 'true') return true;
  if (value === 'false') return false;
  return undefined;
}

/** The form-js form of a user task, read from its deployment's snapshot (where it comes from: model/form-source.ts). */
function formFromFile(deployment: DeploymentRecord, node: FlowNode): FormDefinition | undefined {
  const source = formSourceOf(node, deployment.file);
  if (source?.kind === 'file') return readForm(deployment, node, posix.join(source.baseDir, source.raw));
  if (source?.kind === 'formId') {
    const found = findFormById(deployment, source.dir, source.formId);
    if (!found) throw new PipelaneError('MODEL_INVALID', `user task ${node.id} names the form "${source.formId}", but no .form file in ${source.dir || 'the repository root'} has that id.`, { elementId: node.id, file: deployment.file });
    return found;
  }
  return undefined;
}

function readForm(deployment: DeploymentRecord, node: FlowNode, path: string): FormDefinition {
  const absolute = inside(deployment.repoDir, path, node);
  let schema: unknown;
  try {
    schema = JSON.parse(readFileSync(absolute, 'utf8'));
  } catch (err) {
    throw new PipelaneError('MODEL_INVALID', `the form ${path} of user task ${node.id} cannot be read: ${(err as Error).message}.`, { elementId: node.id, file: path });
  }
  const result = formJsForm(schema);
  if (!result.ok) throw new PipelaneError('MODEL_INVALID', `the form ${path} of user task ${node.id} is not a usable form-js schema: ${result.message}.`, { elementId: node.id, file: path });
  return result.form;
}

function findFormById(deployment: DeploymentRecord, dir: string, formId: string): FormDefinition | undefined {
  const absoluteDir = resolve(deployment.repoDir, dir);
  for (const entry of readdirSync(absoluteDir, { withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.form')) continue;
    try {
      const schema = JSON.parse(readFileSync(join(absoluteDir, entry.name), 'utf8')) as { id?: unknown };
      if (schema.id !== formId) continue;
      const result = formJsForm(schema);
      if (result.ok) return result.form;
    } catch {
      // not a form file: look further
    }
  }
  return undefined;
}

function inside(root: string, path: string, node: FlowNode): string {
  const absolute = resolve(root, path);
  const rel = relative(resolve(root), absolute);
  if (rel.startsWith('..') || rel.split(sep).includes('..') || resolve(rel) === rel) {
    throw new PipelaneError('PATH_ESCAPES_REPO', `the form ${path} of user task ${node.id} is outside the repository.`, { elementId: node.id });
  }
  return absolute;
}
