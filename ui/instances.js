// Instances, newest first, filtered by process and state; refreshed every
// few seconds while only the first page is shown.
import { enc, get } from './api.js';
import { badge, h, link, table, when } from './dom.js';

const STATES = ['running', 'completed', 'failed', 'cancelled'];
const REFRESH_MS = 3000;

export async function instancesView(view, { query, signal }) {
  const process = query.get('process') ?? '';
  const state = query.get('state') ?? '';
  const deployments = await get('/api/v1/deployments');
  const processes = [...new Set(deployments.items.flatMap((d) => d.processes))].sort();
  const filter = (name, values, current) => h('select', { name, onchange: apply },
    h('option', { value: '' }, `any ${name}`),
    values.map((v) => h('option', { value: v, selected: v === current }, v)));
  const form = h('form', { class: 'filters' }, filter('process', processes, process), ' ', filter('state', STATES, state));
  function apply() {
    const q = new URLSearchParams();
    for (const select of form.querySelectorAll('select')) if (select.value) q.set(select.name, select.value);
    location.hash = `#/instances${q.size > 0 ? `?${q}` : ''}`;
  }
  const body = h('div');
  const more = h('button', { class: 'more', hidden: true }, 'More');
  view.append(h('h1', null, 'Instances'), form, body, more);

  const base = `/api/v1/instances?limit=50${process ? `&process=${enc(process)}` : ''}${state ? `&state=${enc(state)}` : ''}`;
  let rows = [];
  let cursor;
  const show = () => body.replaceChildren(table(['Instance', 'Process', 'State', 'Incidents', 'Started', 'Updated'], rows, 'No instances match.'));
  async function load(next) {
    const page = await get(next ? `${base}&cursor=${enc(next)}` : base);
    const built = page.items.map(row);
    rows = next ? [...rows, ...built] : built;
    cursor = page.nextCursor;
    more.hidden = !cursor;
    show();
  }
  more.addEventListener('click', () => void load(cursor));
  await load();
  const timer = setInterval(() => {
    if (rows.length <= 50) void load().catch(() => undefined);
  }, REFRESH_MS);
  signal.addEventListener('abort', () => clearInterval(timer));
}

function row(i) {
  return h('tr', { dataset: { instance: i.id } },
    h('td', { class: 'mono' }, link(i.id.slice(0, 8), 'instances', i.id)),
    h('td', null, i.process),
    h('td', null, badge(i.state)),
    h('td', { class: i.openIncidents > 0 ? 'error' : 'muted' }, String(i.openIncidents)),
    h('td', null, when(i.createdAt)),
    h('td', null, when(i.updatedAt)));
}
