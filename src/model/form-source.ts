/**
 * Where a user task's form-js form comes from, as the model writes it. Pure:
 * the approvals read the file (task-form.ts), GitOps counts it among the
 * inputs of the model's version (model-inputs.ts).
 *
 * `camunda:formKey="camunda-forms:deployment:approve.form"` and a plain
 * `*.form` (or `.json`) path are beside the .bpmn file,
 * `camunda-forms:app:forms/approve.form` is from the repository root, and
 * `zeebe:formId="approve"` is the .form file beside the .bpmn whose id it
 * is. Other form keys (embedded HTML forms) carry no fields to check.
 */
import { posix } from 'node:path';
import type { FlowNode } from './process-model.js';

export type FormSource =
  /** A file named by `raw`, relative to `baseDir` (repository-relative, '' at the root); unchecked. */
  | { kind: 'file'; raw: string; baseDir: string }
  /** The .form file of `dir` whose `id` is `formId`. */
  | { kind: 'formId'; formId: string; dir: string };

export function formSourceOf(node: Pick<FlowNode, 'extensions'>, bpmnFile: string): FormSource | undefined {
  const key = node.extensions['camunda:formKey'] ?? node.extensions['zeebe:formKey'];
  const dir = posix.dirname(bpmnFile) === '.' ? '' : posix.dirname(bpmnFile);
  if (key?.startsWith('camunda-forms:deployment:')) return { kind: 'file', raw: key.slice('camunda-forms:deployment:'.length), baseDir: dir };
  if (key?.startsWith('camunda-forms:app:')) return { kind: 'file', raw: key.slice('camunda-forms:app:'.length), baseDir: '' };
  if (key !== undefined && /^[\w./-]+\.(form|json)$/.test(key)) return { kind: 'file', raw: key, baseDir: dir };
  const formId = node.extensions['zeebe:formId'];
  return formId === undefined ? undefined : { kind: 'formId', formId, dir };
}
