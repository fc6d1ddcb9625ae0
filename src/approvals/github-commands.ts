/**
 * Commands in a GitHub comment: `/approve [comment]`, `/reject <reason>`,
 * `/submit field=value field2="two words"`. The first command line counts;
 * quoted lines (`> …`, a reply quoting someone) and code blocks do not.
 */
export type CommentCommand =
  | { kind: 'approve'; comment?: string }
  | { kind: 'reject'; comment?: string }
  | { kind: 'submit'; values: Record<string, string> }
  | { kind: 'invalid'; message: string };

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
    const rest = [m[2] ?? '', ...lines.slice(i + 1).filter((l) => !l.trim().startsWith('>'))].join('\n').trim();
    if (kind === 'submit') return parseSubmit(m[2] ?? '');
    return rest === '' ? { kind } : { kind, comment: rest };
  }
  return undefined;
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

/** Help text listed in the issue, per kind of task. */
export function commandHelp(approval: boolean, fields: readonly string[]): string {
  if (approval) return '`/approve` (optionally followed by a comment) or `/reject <reason>`';
  return `\`/submit ${fields.map((f) => `${f}=…`).join(' ')}\` (quote values with spaces: \`field="two words"\`)`;
}
