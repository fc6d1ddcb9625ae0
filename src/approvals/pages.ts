/**
 * The HTML of the approval pages: the confirmation page or form a link
 * opens (a GET never decides), and the one-message pages (decided,
 * already decided, expired, not valid). Plain HTML, no script.
 */
import type { FieldError, FormField } from '../model/forms.js';
import type { TaskView } from './task-view.js';

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

const STYLE = `body{font:16px/1.5 system-ui,sans-serif;max-width:42rem;margin:2rem auto;padding:0 1rem;color:#1b1f24}
h1{font-size:1.4rem}table{border-collapse:collapse;margin:1rem 0}td,th{border:1px solid #d0d7de;padding:.3rem .6rem;text-align:left;vertical-align:top}
label{display:block;margin:.8rem 0 .2rem;font-weight:600}input,select,textarea{font:inherit;padding:.3rem;width:100%;box-sizing:border-box}
input[type=checkbox]{width:auto}.error{color:#b3261e}.muted{color:#57606a}button{font:inherit;padding:.5rem 1.2rem;margin:1rem .5rem 0 0;cursor:pointer}
.approve{background:#1f883d;color:#fff;border:0}.reject{background:#cf222e;color:#fff;border:0}`;

export function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head><body>${body}</body></html>`;
}

export function messagePage(title: string, message: string): string {
  return page(title, `<h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p>`);
}

export interface DecisionPageOptions {
  /** Where the form posts to, and where attachments are fetched from. */
  action: string;
  csrf: string;
  person: string;
  errors?: FieldError[];
  values?: Record<string, string>;
  /** "1 of 2 approvals so far" for a quorum. */
  progress?: string;
}

export function decisionPage(view: TaskView, o: DecisionPageOptions): string {
  const errors = new Map((o.errors ?? []).map((e) => [e.field, e.message]));
  const due = view.assignment?.dueAt !== undefined ? `<p>Due ${escapeHtml(new Date(view.assignment.dueAt).toISOString())}.</p>` : '';
  const context = view.context.length === 0 ? '' : `<table>${view.context.map((c) => `<tr><th>${escapeHtml(c.name)}</th><td>${escapeHtml(c.value)}</td></tr>`).join('')}</table>`;
  const files = view.attachments.length === 0 ? '' : `<p>Files:</p><ul>${view.attachments.map((name) => `<li><a href="${escapeHtml(`${o.action}/files/${encodeURIComponent(name)}`)}">${escapeHtml(name)}</a></li>`).join('')}</ul>`;
  const fields = view.form.fields.map((f) => fieldHtml(f, o.values?.[f.id], errors.get(f.id))).join('');
  const formErrors = [...errors].filter(([field]) => !view.form.fields.some((f) => f.id === field)).map(([, m]) => `<p class="error">${escapeHtml(m)}</p>`).join('');
  const buttons = view.form.approval
    ? `<label for="comment">Comment (optional; the reason when you reject)</label><textarea id="comment" name="comment" rows="3">${escapeHtml(o.values?.['comment'] ?? '')}</textarea>
<button class="approve" name="decision" value="approve">Approve</button><button class="reject" name="decision" value="reject">Reject</button>`
    : '<button class="approve" name="decision" value="submit">Submit</button>';
  return page(`${view.taskName} — ${view.processName}`, `<h1>${escapeHtml(view.taskName)}</h1>
<p class="muted">Process ${escapeHtml(view.processName)} · instance ${escapeHtml(view.task.instanceId)} · for ${escapeHtml(o.person)}</p>${due}${context}${files}
${o.progress ? `<p>${escapeHtml(o.progress)}</p>` : ''}${formErrors}
<form method="post" action="${escapeHtml(o.action)}"><input type="hidden" name="csrf" value="${escapeHtml(o.csrf)}">${fields}${buttons}</form>
<p class="muted">Nothing is decided until you press a button.</p>`);
}

function fieldHtml(f: FormField, value: string | undefined, error: string | undefined): string {
  const id = `f-${f.id}`;
  const current = value ?? (f.defaultValue === undefined ? '' : String(f.defaultValue));
  const req = f.required ? ' required' : '';
  const ro = f.readonly ? ' readonly' : '';
  let input: string;
  switch (f.type) {
    case 'boolean':
      input = `<input type="hidden" name="${escapeHtml(f.id)}" value="false"><input id="${id}" type="checkbox" name="${escapeHtml(f.id)}" value="true"${current === 'true' ? ' checked' : ''}${ro}>`;
      break;
    case 'enum':
      input = `<select id="${id}" name="${escapeHtml(f.id)}"${req}><option value=""></option>${(f.values ?? []).map((v) => `<option value="${escapeHtml(v.id)}"${v.id === current ? ' selected' : ''}>${escapeHtml(v.label)}</option>`).join('')}</select>`;
      break;
    case 'long':
    case 'number':
      input = `<input id="${id}" type="number" name="${escapeHtml(f.id)}" value="${escapeHtml(current)}"${f.type === 'long' ? ' step="1"' : ' step="any"'}${f.min !== undefined ? ` min="${f.min}"` : ''}${f.max !== undefined ? ` max="${f.max}"` : ''}${req}${ro}>`;
      break;
    case 'date':
      input = `<input id="${id}" type="date" name="${escapeHtml(f.id)}" value="${escapeHtml(current)}"${req}${ro}>`;
      break;
    default:
      input = f.multiline
        ? `<textarea id="${id}" name="${escapeHtml(f.id)}" rows="3"${req}${ro}>${escapeHtml(current)}</textarea>`
        : `<input id="${id}" type="text" name="${escapeHtml(f.id)}" value="${escapeHtml(current)}"${f.pattern ? ` pattern="${escapeHtml(f.pattern)}"` : ''}${req}${ro}>`;
  }
  return `<label for="${id}">${escapeHtml(f.label)}${f.required ? ' *' : ''}</label>${input}${error ? `<p class="error">${escapeHtml(error)}</p>` : ''}`;
}
