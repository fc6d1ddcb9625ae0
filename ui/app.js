// The UI shell: a hash router over the views, the token prompt, and the
// inbox count in the menu. Each view gets an AbortSignal that fires when
// the operator navigates away (streams and refresh timers stop on it).
import { get, token } from './api.js';
import { h, problem } from './dom.js';
import { inboxView } from './inbox.js';
import { instanceView } from './instance.js';
import { instancesView } from './instances.js';
import { processesView } from './processes.js';

const ROUTES = [
  { path: /^\/?$/, nav: 'processes', view: processesView },
  { path: /^\/instances$/, nav: 'instances', view: instancesView },
  { path: /^\/instances\/([^/]+)$/, nav: 'instances', view: instanceView },
  { path: /^\/inbox$/, nav: 'inbox', view: inboxView },
];

const main = document.getElementById('main');
let controller;

async function render() {
  controller?.abort();
  controller = new AbortController();
  const [path, search = ''] = location.hash.replace(/^#/, '').split('?');
  const route = ROUTES.find((r) => r.path.test(path));
  for (const a of document.querySelectorAll('nav a')) a.classList.toggle('current', a.dataset.nav === route?.nav);
  renderAuth();
  if (!route) {
    main.replaceChildren(h('p', { class: 'error' }, 'There is no such page.'));
    return;
  }
  const params = route.path.exec(path).slice(1).map(decodeURIComponent);
  const view = h('div', { class: 'view' });
  main.replaceChildren(view);
  try {
    await route.view(view, { params, query: new URLSearchParams(search), signal: controller.signal });
  } catch (error) {
    if (error.status === 401) return;
    view.append(problem(error));
  }
  void countInbox();
}

function renderAuth() {
  const auth = document.getElementById('auth');
  if (!token.get()) {
    auth.replaceChildren();
    return;
  }
  auth.replaceChildren('token set ', h('button', { class: 'link', onclick: () => { token.clear(); void render(); } }, 'forget'));
}

/** Shown when the API says 401: the operator pastes a token once per tab. */
function askForToken(message) {
  const input = h('input', { type: 'password', name: 'token', autocomplete: 'off', placeholder: 'token', 'aria-label': 'API token' });
  const form = h('form', { class: 'card token', onsubmit: (event) => {
    event.preventDefault();
    if (input.value.trim() === '') return;
    token.set(input.value);
    void render();
  } },
  h('h2', null, 'This daemon needs an API token'),
  h('p', null, token.get() ? `The token was refused: ${message}` : 'Paste one of the tokens of PIPELANE_TOKENS. It is kept in this tab only.'),
  input, ' ', h('button', { type: 'submit' }, 'Use token'));
  main.replaceChildren(form);
  input.focus();
}

async function countInbox() {
  const el = document.getElementById('inbox-count');
  try {
    const { items } = await get('/api/v1/tasks?state=open&limit=1000');
    el.textContent = items.length > 0 ? String(items.length) : '';
  } catch {
    el.textContent = '';
  }
}

window.addEventListener('pipelane:unauthorized', (event) => {
  controller?.abort();
  askForToken(event.detail);
});
window.addEventListener('hashchange', () => void render());
void render();
