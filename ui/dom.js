// Builds DOM from data without ever parsing it as HTML: every string
// becomes a text node or an attribute value, so nothing from the API can
// inject markup or script.

/** h('a', {href, class, onclick}, 'text', child, [children]) */
export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on')) {
      if (typeof value === 'function') el.addEventListener(key.slice(2), value);
    } else if (key === 'class') el.className = value;
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (key === 'checked' || key === 'value' || key === 'disabled' || key === 'selected') el[key] = value;
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

/** Appends children as h does: strings as text, null/undefined/false skipped, arrays flattened. */
export function append(el, children) {
  for (const child of children) {
    if (child === undefined || child === null || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** A local date and time for an ISO timestamp, '' for none. */
export function when(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? String(iso) : d.toLocaleString();
}

export const badge = (state) => h('span', { class: `badge state-${String(state).replace(/[^a-z-]/gi, '')}` }, state);

/** A hash link inside the UI; parts are URL-encoded. */
export const link = (text, ...parts) => h('a', { href: `#/${parts.map(encodeURIComponent).join('/')}` }, text);

export function table(headings, rows, empty = 'Nothing here yet.') {
  if (rows.length === 0) return h('p', { class: 'muted' }, empty);
  return h('table', null, h('thead', null, h('tr', null, headings.map((t) => h('th', null, t)))), h('tbody', null, rows));
}

export const json = (value) => h('pre', { class: 'json' }, JSON.stringify(value, null, 2));

let toastTimer;
export function toast(message, kind = 'info') {
  const el = document.getElementById('toast');
  el.className = `show ${kind}`;
  el.textContent = message;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => (el.className = ''), 4000);
}

/** An error as a paragraph, with the API's code when there is one. */
export const problem = (error) => h('p', { class: 'error' }, error.code ? `${error.code}: ${error.message}` : String(error.message ?? error));
