/**
 * Commands in a GitHub comment: `/approve [comment]`, `/reject <reason>`,
 * `/submit field=value field2="two words"`, each optionally naming the task
 * right after the command (`/approve t-1a2b3c4d ship it`): on an issue or
 * pull request that several tasks comment on, that says which one is meant.
 * The first command line counts; quoted lines (`> …`, a reply quoting
 * someone) and code blocks do not.
 */
import { createHash } from 'node:crypto';

export type CommentCommand =
  | { kind: 'approve' | 'reject'; ref?: string; comment?: string }
  | { kind: 'submit'; ref?: string; values: Record<string, string> }
  | { kind: 'invalid'; message: string };

/**
 * A task's short reference, as a person types it in a command: `t-` and 8 hex
 * digits of a hash of its id (task ids are long and have colons in them).
 */
export function taskRef(taskId: string): string {
  return `t-${createHash('sha256').update(taskId).digest('hex').slice(0, 8)}`;
}

const REF = /^t-[0-9a-f]{8}$/i;

export function parseCommand(body: string): CommentCommand | undefined {
  const lines = body.replace(/\r\n?/g, '\n').split('\n');
  let fenced = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line.startsWith('```') || line.startsWith('~~~')) fenced = !fenced;
    if (fenced || line.startsWith('>')) continue;
    const m = /^\/(approve|reject|submit)(?:\s+([\s\S]*))?$/i.exec(line);
    if (!m) continue;
    const kind = m[1]!.toLowerCase() as 'approve' | 'reject' | 'submit';
    const { ref, rest: first } = leadingRef(m[2] ?? '');
    const refPart = ref ? { ref } : {};
    if (kind === 'submit') {
      const parsed = parseSubmit(first);
      return parsed.kind === 'submit' ? { ...parsed, ...refPart } : parsed;
    }
    const rest = [first, ...lines.slice(i + 1).filter((l) => !l.trim().startsWith('>'))].join('\n').trim();
    return { kind, ...refPart, ...(rest === '' ? {} : { comment: rest }) };
  }
  return undefined;
}

function leadingRef(text: string): { ref?: string; rest: string } {
  const m = /^(\S+)(?:\s+([\s\S]*))?$/.exec(text.trim());
  return m && REF.test(m[1]!) ? { ref: m[1]!.toLowerCase(), rest: m[2] ?? '' } : { rest: text };
}

function parseSubmit(text: string): CommentCommand {
  const values: Record<string, string> = {};
  const pattern = /\s*([A-Za-z_][\w.-]*)=("((?:[^"\\]|\\.)*)"|'([^']*)'|(\S*))/y;
  let rest = text.trim();
  while (rest !== '') {
    pattern.lastIndex = 0;
    const m = pattern.exec(rest);
    if (!m) return { kind: 'invalid', message: `"/submit ${text.trim()}" is not a list of field=value pairs (quote values with spaces: note="two words").` };
    values[m[1]!] = m[3] !== undefined ? m[3].replace(/\\(.)/g, '$1') : (m[4] ?? m[5] ?? '');
    rest = rest.slice(m[0].length).trim();
  }
  if (Object.keys(values).length === 0) return { kind: 'invalid', message: '/submit needs at least one field=value pair.' };
  return { kind: 'submit', values };
}

/** Help text listed in the issue, per kind of task; with `ref` when the thread is shared with other tasks. */
export function commandHelp(approval: boolean, fields: readonly string[], ref?: string): string {
  const it = ref ? ` ${ref}` : '';
  if (approval) return `\`/approve${it}\` (optionally followed by a comment) or \`/reject${it} <reason>\``;
  return `\`/submit${it} ${fields.map((f) => `${f}=…`).join(' ')}\` (quote values with spaces: \`field="two words"\`)`;
}
