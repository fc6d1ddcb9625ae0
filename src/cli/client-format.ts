/** How the client commands print the API's views on a terminal (`--json` prints the views themselves). */
import type { IncidentView, InstanceSummary, InstanceView, LogEntryView, TaskView } from '../http/views.js';
import type { Page } from '../ports/store.js';

export function formatInstances(page: Page<InstanceSummary>): string[] {
  if (page.items.length === 0) return ['no instances'];
  const lines = page.items.map((i) =>
    [i.id, i.process, i.state, i.createdAt, i.openIncidents > 0 ? `${i.openIncidents} incident${i.openIncidents > 1 ? 's' : ''}` : ''].join('\t').trimEnd(),
  );
  if (page.nextCursor) lines.push(`more: --cursor ${page.nextCursor}`);
  return lines;
}

export function formatInstance(i: InstanceView): string[] {
  const lines = [
    `instance   ${i.id}`,
    `process    ${i.process} (${i.deploymentId})`,
    `state      ${i.state}`,
    `created    ${i.createdAt}`,
    `updated    ${i.updatedAt}`,
    ...(i.endedAt ? [`ended      ${i.endedAt}`] : []),
    ...(i.error ? [`error      ${i.error.code ? `${i.error.code}: ` : ''}${i.error.message}`] : []),
    `variables  ${JSON.stringify(i.variables)}`,
  ];
  if (i.incidents.length > 0) {
    lines.push('incidents');
    for (const incident of i.incidents) lines.push(`  ${incident.id}  ${incident.element}: ${firstLine(incident.message)}`);
    lines.push(`  retry with: pipelane retry ${i.id}`);
  }
  if (i.jobs.length > 0) {
    lines.push('jobs');
    for (const j of i.jobs) lines.push(`  ${j.element}  ${j.state}  attempt ${j.attempt}${j.startedAt ? `  ${j.startedAt}` : ''}${j.endedAt ? ` → ${j.endedAt}` : ''}  ${j.id}`);
  }
  lines.push('history');
  for (const h of i.history) lines.push(`  ${h.at}  ${h.type}  ${h.actor}${summarise(h.data)}`);
  return lines;
}

export function formatTasks(tasks: TaskView[]): string[] {
  if (tasks.length === 0) return ['no tasks'];
  return tasks.map((t) => `${t.id}\t${t.process}\t${t.name ?? t.element}\tinstance ${t.instanceId}${t.state === 'open' ? '' : `\t${t.state}`}`);
}

export function formatLogEntry(e: LogEntryView): string {
  return `${e.element} ${e.stream === 'stderr' ? '!' : '|'} ${e.text}`;
}

export function formatRetried(instanceId: string, incidents: IncidentView[]): string[] {
  return incidents.map((i) => `instance ${instanceId}: retrying ${i.element} (incident ${i.id})`);
}

function firstLine(text: string): string {
  const [first, ...rest] = text.split('\n');
  return rest.length > 0 ? `${first} …` : (first ?? '');
}

function summarise(data: Record<string, unknown>): string {
  const text = JSON.stringify(data);
  if (text === '{}') return '';
  return `  ${text.length > 160 ? `${text.slice(0, 157)}...` : text}`;
}
