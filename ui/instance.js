// One instance: its diagram with what it did, its incidents with a retry
// button, cancel, jobs, variables, the live log and the history. Refreshed
// every two seconds while it runs.
import { enc, get, post } from './api.js';
import { Diagram } from './diagram.js';
import { badge, h, json, problem, table, toast, when } from './dom.js';
import { LogPane } from './logs.js';

const REFRESH_MS = 2000;

export async function instanceView(view, { params: [id], signal }) {
  const path = `/api/v1/instances/${enc(id)}`;
  const head = h('div', { class: 'instance-head' });
  const note = h('p', { class: 'muted diagram-note' });
  const canvas = h('div', { class: 'diagram', id: 'diagram' });
  const incidents = h('div', { class: 'incidents' });
  const jobs = h('div');
  const variables = h('div');
  const history = h('div');
  const logs = new LogPane(id, signal);
  view.append(head, canvas, note, incidents,
    h('h2', null, 'Log'), logs.element,
    h('h2', null, 'Jobs'), jobs,
    h('details', null, h('summary', null, 'Variables'), variables),
    h('details', null, h('summary', null, 'History'), history));

  const [instance, states] = await Promise.all([get(path), get(`${path}/elements`)]);
  const diagram = new Diagram(canvas);
  const drawn = diagram.load(instance.deploymentId).then((info) => {
    const notes = [];
    if (info.layout === 'generated') notes.push('The model file has no diagram layout; this one was generated.');
    if (info.file === 'changed') notes.push('The model file changed since this version was deployed; the diagram shows the file as it is now.');
    note.textContent = notes.join(' ');
  }).catch((error) => canvas.replaceChildren(problem(error)));

  let last;
  const show = (i, s) => {
    last = i;
    head.replaceChildren(...header(i, refresh).filter(Boolean));
    incidents.replaceChildren(...s.incidents.map((incident) => incidentCard(i, incident, refresh)));
    jobs.replaceChildren(table(['Element', 'State', 'Attempt', 'Started', 'Ended', 'Message'], i.jobs.map((j) => h('tr', null,
      h('td', null, j.element), h('td', null, badge(j.state)), h('td', null, String(j.attempt)),
      h('td', null, when(j.startedAt)), h('td', null, when(j.endedAt)), h('td', null, j.message ?? ''))), 'No jobs.'));
    variables.replaceChildren(json(i.variables));
    history.replaceChildren(table(['At', 'Event', 'Actor', 'Data'], i.history.map((e) => h('tr', null,
      h('td', null, when(e.at)), h('td', null, e.type), h('td', null, e.actor), h('td', { class: 'mono small' }, JSON.stringify(e.data))))));
    void drawn.then(() => diagram.mark(s));
    if (i.jobs.some((j) => j.state === 'queued' || j.state === 'running') || !logs.started) {
      logs.started = true;
      logs.follow();
    }
  };
  async function refresh() {
    const [i, s] = await Promise.all([get(path), get(`${path}/elements`)]);
    if (!signal.aborted) show(i, s);
  }
  show(instance, states);
  const timer = setInterval(() => {
    if (last?.state === 'running') void refresh().catch(() => undefined);
  }, REFRESH_MS);
  signal.addEventListener('abort', () => clearInterval(timer));
}

function header(i, refresh) {
  const cancel = h('button', { class: 'danger', onclick: async () => {
    if (!confirm(`Cancel instance ${i.id}? Its running containers are stopped.`)) return;
    await act(() => post(`/api/v1/instances/${enc(i.id)}/cancel`, { reason: 'cancelled in the web UI' }), 'Instance cancelled.', refresh);
  } }, 'Cancel instance');
  return [
    h('h1', null, i.process, ' ', badge(i.state)),
    h('p', { class: 'muted' }, h('span', { class: 'mono' }, i.id), ` · version ${i.deploymentId} · started ${when(i.createdAt)}`, i.endedAt ? ` · ended ${when(i.endedAt)}` : ''),
    i.error ? h('p', { class: 'error' }, `Ended by error ${i.error.code ?? ''}: ${i.error.message}`) : null,
    i.state === 'running' ? cancel : null,
  ];
}

function incidentCard(i, incident, refresh) {
  const retry = h('button', { class: 'retry', dataset: { incident: incident.id }, onclick: async () => {
    retry.disabled = true;
    const url = incident.jobId
      ? `/api/v1/jobs/${enc(incident.jobId)}/retry`
      : `/api/v1/instances/${enc(i.id)}/incidents/${enc(incident.id)}/retry`;
    await act(() => post(url), `Retrying ${incident.element}.`, refresh);
  } }, incident.retry === 'job' ? 'Retry the job' : 'Retry the element');
  return h('div', { class: 'card incident', dataset: { element: incident.element } },
    h('h3', null, 'Failed: ', incident.element),
    h('p', { class: 'message' }, incident.message),
    retry);
}

async function act(action, done, refresh) {
  try {
    await action();
    toast(done);
  } catch (error) {
    toast(error.code ? `${error.code}: ${error.message}` : error.message, 'error');
  }
  await refresh().catch(() => undefined);
}
