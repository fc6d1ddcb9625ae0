/**
 * `pipelane run` at a user task: on a terminal it asks the person for the
 * decision (an approval) and the form's fields one by one, and asks again
 * for each field the form refuses; without a terminal it says how to
 * complete the task from another shell.
 */
import { createInterface } from 'node:readline/promises';
import { completeUserTask } from '../approvals/complete-task.js';
import { formOfTask, FormInvalidError, taskNode, type TaskForm } from '../approvals/task-form.js';
import { toError } from '../errors.js';
import type { FormField } from '../model/forms.js';
import type { Store } from '../ports/store.js';

export interface Terminal {
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
}

export interface AskOptions {
  store: Store;
  taskId: string;
  dataDir: string;
  out: (text: string) => void;
  err: (text: string) => void;
  terminal?: Terminal;
  /** Aborted when the instance ends or the task is decided elsewhere: the questions stop. */
  signal: AbortSignal;
  /** Applies the step the completion committed. */
  apply: () => void;
  now: () => number;
}

export async function askPerson(options: AskOptions): Promise<void> {
  const { store, taskId, out } = options;
  const task = store.getUserTask(taskId);
  if (!task) return;
  const instance = store.getInstance(task.instanceId);
  const deployment = instance && store.getDeployment(instance.deploymentId);
  if (!deployment) return;
  const form = formOfTask(deployment, taskNode(deployment, task.processId, task.elementId));
  if (!options.terminal) {
    out(`  complete it from another shell: pipelane tasks ${hint(form, taskId)} --data-dir ${options.dataDir}`);
    return;
  }
  const rl = createInterface({ input: options.terminal.input, output: options.terminal.output, terminal: false });
  const ask = (question: string) => rl.question(question, { signal: options.signal });
  try {
    out(`  ${task.name ?? task.elementId}: ${form.approval ? 'approve or reject' : 'fill in the form'}${form.fields.length > 0 ? '; an empty answer keeps the default' : ''}.`);
    const values: Record<string, unknown> = {};
    if (form.approval) {
      values['approved'] = await askDecision(ask);
      const comment = (await ask('  comment (optional): ')).trim();
      if (comment !== '') values['comment'] = comment;
    }
    let fields = form.fields.filter((f) => !f.readonly);
    for (;;) {
      for (const field of fields) {
        const answer = (await ask(`  ${describeField(field)}: `)).trim();
        if (answer === '') delete values[field.id];
        else values[field.id] = answer;
      }
      try {
        completeUserTask(store, taskId, values, 'cli', options.now());
        options.apply();
        return;
      } catch (error) {
        if (!(error instanceof FormInvalidError)) throw error;
        for (const f of error.fields) options.err(`  ${f.message}`);
        // Ask again for the refused fields only.
        const refused = new Set(error.fields.map((f) => f.field));
        fields = form.fields.filter((f) => refused.has(f.id));
        if (fields.length === 0) throw error;
      }
    }
  } catch (error) {
    if (!options.signal.aborted) options.err(toError(error).message);
  } finally {
    rl.close();
  }
}

async function askDecision(ask: (question: string) => Promise<string>): Promise<boolean> {
  for (;;) {
    const answer = (await ask('  approve? [y/n]: ')).trim().toLowerCase();
    if (['y', 'yes', 'approve'].includes(answer)) return true;
    if (['n', 'no', 'reject'].includes(answer)) return false;
  }
}

/** `Amount (long, 1 to 100, default 5, required)`. */
function describeField(field: FormField): string {
  const notes: string[] = [field.type === 'enum' && field.values ? `one of ${field.values.map((v) => v.id).join(', ')}` : field.type];
  if (field.min !== undefined || field.max !== undefined) notes.push(`${field.min ?? '…'} to ${field.max ?? '…'}`);
  if (field.defaultValue !== undefined) notes.push(`default ${String(field.defaultValue)}`);
  if (field.required) notes.push('required');
  return `${field.label} (${notes.join(', ')})`;
}

function hint(form: TaskForm, taskId: string): string {
  if (form.approval && form.fields.length === 0) return `approve ${taskId}   (or: pipelane tasks reject ${taskId} --comment "why")`;
  const vars = form.fields.map((f) => `--var ${f.id}=…`).join(' ');
  return `complete ${taskId} ${form.approval ? '--var approved=true ' : ''}${vars}`.trimEnd();
}
