// Processes (the active deployments) and, when the daemon follows a
// repository, their schedules.
import { get } from './api.js';
import { h, table, when } from './dom.js';

export async function processesView(view) {
  const [deployments, schedules] = await Promise.all([get('/api/v1/deployments?active=true'), schedulesOrNone()]);
  view.append(
    h('h1', null, 'Processes'),
    table(['Process', 'File', 'Version', 'Deployed', ''], deployments.items.flatMap((d) => d.processes.map((p) => h('tr', { dataset: { process: p } },
      h('td', null, h('strong', null, p)),
      h('td', null, d.file),
      h('td', { class: 'mono', title: d.id }, d.hash.slice(0, 12), d.commit ? ` @ ${d.commit.slice(0, 8)}` : ''),
      h('td', null, when(d.deployedAt)),
      h('td', null, h('a', { href: `#/instances?process=${encodeURIComponent(p)}` }, 'instances')),
    ))), 'No process is deployed. Start the daemon with --models DIR or --repo URL.'),
    h('h2', null, 'Schedules'),
    schedules === undefined
      ? h('p', { class: 'muted' }, 'Schedules come from a repository the daemon follows (pipelane serve --repo).')
      : table(['Schedule', 'Process', 'Trigger', 'State', 'Next fire', 'Last fire'], schedules.items.map((s) => h('tr', null,
        h('td', { class: 'mono' }, s.id),
        h('td', null, s.processId),
        h('td', null, trigger(s.trigger)),
        h('td', null, s.state, s.problem ? h('div', { class: 'error' }, s.problem) : null),
        h('td', null, when(s.nextFireAt)),
        h('td', null, s.lastFireAt ? when(s.lastFireAt) : '—'),
      )), 'No schedules.'),
  );
}

/** undefined when the daemon follows no repository: /healthz says whether it does. */
async function schedulesOrNone() {
  const health = await get('/healthz');
  return health.gitops ? get('/api/v1/schedules') : undefined;
}

function trigger(t) {
  if (!t) return '';
  if (t.kind === 'cron') return `${t.cron} (${t.timezone})`;
  return `${t.timer} ${t.expression}`;
}
