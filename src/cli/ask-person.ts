/**
 * `pipelane run` at a user task: on a terminal it asks the person for the
 * decision (an approval) and the form's fields one by one, and asks again
 * for each field the form refuses; without a terminal it says how to
 * complete the task from another shell.
 */
import { createInterface, type Interface } from 'node:readline/promises';
import { completeUserTask } from '../approvals/complete-task.js';
import { formOfTask, FormInvalidError, taskNode, type TaskForm } from '../approvals/task-form.js';
import { toError } from '../errors.js';
import type { FormField } from '../model/forms.js';
import type { Store } from '../ports/store.js';

export interface Terminal {
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
}

export interface TaskContext {
  store: Store;
  dataDir: string;
  out: (text: string) => void;
  err: (text: string) => void;
  /** Applies the step the completion committed. */
  apply: () => void;
  now: () => number;
}

/**
 * The person at the terminal of `pipelane run`: one reader of the terminal
 * for the whole run, and one task asked at a time, in the order they opened.
 * A task decided elsewhere (another shell) stops being asked.
 */
export class PersonAtTerminal {
  private readonly rl: Interface | undefined;
  private queue: Promise<void> = Promise.resolve();
  private current: { taskId: string; controller: AbortController } | undefined;

  constructor(
    private readonly context: TaskContext,
    terminal: Terminal | undefined,
    /** Aborted when the instance ends: every question stops. */
    private readonly ended: AbortSignal,
  ) {
    this.rl = terminal && createInterface({ input: terminal.input, output: terminal.output, terminal: false });
  }

  taskOpened(taskId: string): void {
    this.queue = this.queue.then(() => {
      const controller = new AbortController();
      this.current = { taskId, controller };
      const signal = AbortSignal.any([controller.signal, this.ended]);
      const ask = this.rl && ((question: string) => this.rl!.question(question, { signal }));
      return askPerson(this.context, taskId, ask, signal).finally(() => (this.current = undefined));
    });
  }

  /** Call when the instance moved on: a question whose task is no longer open stops. */
  moved(): void {
    const current = this.current;
    if (current && this.context.store.getUserTask(current.taskId)?.state !== 'open') current.controller.abort();
  }

  close(): void {
    this.rl?.close();
  }
}

/** Asks for the task's decision and fields with `ask`; without it, says how to complete the task from another shell. */
async function askPerson(context: TaskContext, taskId: string, ask: ((question: string) => Promise<string>) | undefined, signal: AbortSignal): Promise<void> {
  const { store, out } = context;
  const task = store.getUserTask(taskId);
  if (!task || task.state !== 'open') return;
  const instance = store.getInstance(task.instanceId);
  const deployment = instance && store.getDeployment(instance.deploymentId);
  if (!deployment) return;
  const form = formOfTask(deployment, taskNode(deployment, task.processId, task.elementId));
  if (!ask) {
    out(`  complete it from another shell: ${hint(form, taskId, context.dataDir)}`);
    return;
  }
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
        completeUserTask(store, taskId, values, 'cli', context.now());
        context.apply();
        return;
      } catch (error) {
        if (!(error instanceof FormInvalidError)) throw error;
        for (const f of error.fields) context.err(`  ${f.message}`);
        // Ask again for the refused fields only.
        const refused = new Set(error.fields.map((f) => f.field));
        fields = form.fields.filter((f) => refused.has(f.id));
        if (fields.length === 0) throw error;
      }
    }
  } catch (error) {
    if (!signal.aborted) context.err(toError(error).message);
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

function hint(form: TaskForm, taskId: string, dataDir: string): string {
  const where = `--data-dir ${dataDir}`;
  if (form.approval && form.fields.length === 0) return `pipelane tasks approve ${taskId} ${where}   (or: pipelane tasks reject ${taskId} --comment "why" ${where})`;
  const vars = form.fields.map((f) => `--var ${f.id}=…`).join(' ');
  return `pipelane tasks complete ${taskId} ${form.approval ? '--var approved=true ' : ''}${vars} ${where}`.replace(/ +/g, ' ');
}
