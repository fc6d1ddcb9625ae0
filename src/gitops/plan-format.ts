/**
 * A plan for people (text), programs (json) and pull requests (github: a
 * Markdown summary for `$GITHUB_STEP_SUMMARY` or a pull-request comment).
 */
import { formatDiagnostic, type Diagnostic } from '../model/diagnostic.js';
import { describeTrigger } from '../schedule/scheduler-sources.js';
import type { Plan, ProcessChange, ScheduleChange } from './plan.js';

export type PlanFormat = 'text' | 'json' | 'github';

export function formatPlan(plan: Plan, format: PlanFormat): string {
  switch (format) {
    case 'json':
      return JSON.stringify(planJson(plan), null, 2);
    case 'github':
      return markdown(plan);
    case 'text':
      return text(plan);
  }
}

const iso = (ms: number) => new Date(ms).toISOString();
const isCommit = (rev: string) => /^[0-9a-f]{40,64}$/.test(rev);
const short = (rev: string) => (isCommit(rev) ? rev.slice(0, 8) : rev);
const side = (s: Plan['from']) => (isCommit(s.revision) ? `${short(s.revision)} (${s.label})` : s.label);
const version = (v: string | undefined) => (v ? v.slice(0, 12) : '');
const MARK = { added: '+', changed: '~', removed: '-' } as const;

export function planJson(plan: Plan): unknown {
  return {
    from: plan.from,
    to: plan.to,
    ok: plan.invalid.every((f) => !f.diagnostics.some((d) => d.severity === 'error')),
    processes: plan.processes,
    schedules: plan.schedules.map((s) => ({ ...s, next: s.next.map(iso) })),
    invalid: plan.invalid,
    files: plan.files.map((f) => ({ file: f.file, change: f.change, version: f.version, previousVersion: f.previousVersion, processIds: f.processIds })),
  };
}

function processLine(p: ProcessChange): string {
  const what =
    p.change === 'added' ? `new, version ${version(p.version)}`
    : p.change === 'changed' ? `new version ${version(p.version)} (was ${version(p.previousVersion)}); running instances finish on the old one`
    : 'removed: no new starts; running instances finish';
  return `${p.processId}  ${p.file}  (${what})`;
}

function scheduleLine(s: ScheduleChange): string {
  const trigger = s.change === 'changed' && s.previousTrigger ? `${describeTrigger(s.previousTrigger)} → ${describeTrigger(s.trigger)}` : describeTrigger(s.trigger);
  const next = s.change === 'removed' ? '' : s.next.length > 0 ? `  next: ${s.next.map(iso).join(', ')}` : '  next: none';
  return `${s.id}  ${trigger}${next}`;
}

function errorsOf(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return diagnostics.filter((d) => d.severity === 'error');
}

function text(plan: Plan): string {
  const lines = [`Plan: ${side(plan.from)} → ${side(plan.to)}`];
  if (plan.processes.length > 0) {
    lines.push('', 'Processes:');
    for (const p of plan.processes) lines.push(`  ${MARK[p.change]} ${processLine(p)}`);
  }
  if (plan.schedules.length > 0) {
    lines.push('', 'Schedules:');
    for (const s of plan.schedules) lines.push(`  ${MARK[s.change]} ${scheduleLine(s)}`);
  }
  const invalid = plan.invalid.filter((f) => errorsOf(f.diagnostics).length > 0);
  if (invalid.length > 0) {
    lines.push('', 'Invalid files (not deployed; the last good version stays):');
    for (const f of invalid) for (const d of errorsOf(f.diagnostics)) lines.push(`  ${formatDiagnostic(d)}`);
  }
  if (plan.processes.length === 0 && plan.schedules.length === 0 && invalid.length === 0) lines.push('', 'No changes.');
  else lines.push('', summary(plan));
  return lines.join('\n');
}

function summary(plan: Plan): string {
  const count = (list: { change: string }[], change: string) => list.filter((x) => x.change === change).length;
  const invalid = plan.invalid.filter((f) => errorsOf(f.diagnostics).length > 0).length;
  return (
    `${count(plan.processes, 'added')} process(es) added, ${count(plan.processes, 'changed')} changed, ${count(plan.processes, 'removed')} removed; ` +
    `${count(plan.schedules, 'added')} schedule(s) added, ${count(plan.schedules, 'changed')} changed, ${count(plan.schedules, 'removed')} removed; ` +
    `${invalid} invalid file(s).`
  );
}

function markdown(plan: Plan): string {
  const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const lines = [`### Pipelane plan: \`${short(plan.from.revision)}\` → \`${short(plan.to.revision)}\``, '', `From ${plan.from.label} to ${plan.to.label}.`];
  if (plan.processes.length > 0) {
    lines.push('', '| | Process | File | Version |', '|---|---|---|---|');
    for (const p of plan.processes) {
      const v = p.change === 'changed' ? `\`${version(p.previousVersion)}\` → \`${version(p.version)}\`` : p.change === 'added' ? `\`${version(p.version)}\`` : 'removed';
      lines.push(`| ${p.change} | \`${cell(p.processId)}\` | \`${cell(p.file)}\` | ${v} |`);
    }
  }
  if (plan.schedules.length > 0) {
    lines.push('', '| | Schedule | Trigger | Next fires (UTC) |', '|---|---|---|---|');
    for (const s of plan.schedules) {
      const trigger = s.change === 'changed' && s.previousTrigger ? `${describeTrigger(s.previousTrigger)} → ${describeTrigger(s.trigger)}` : describeTrigger(s.trigger);
      lines.push(`| ${s.change} | \`${cell(s.id)}\` | ${cell(trigger)} | ${s.next.map(iso).join('<br>') || '–'} |`);
    }
  }
  const invalid = plan.invalid.filter((f) => errorsOf(f.diagnostics).length > 0);
  if (invalid.length > 0) {
    lines.push('', `**${invalid.length} file(s) fail validation** and would not be deployed (the last good version stays):`, '');
    for (const f of invalid) {
      for (const d of errorsOf(f.diagnostics)) {
        lines.push(`- \`${cell(d.line === undefined ? d.file : `${d.file}:${d.line}`)}\`${d.element ? ` \`${cell(d.element)}\`` : ''} **${cell(d.rule)}**: ${cell(d.message)} _Fix:_ ${cell(d.fix)}`);
      }
    }
  }
  if (plan.processes.length === 0 && plan.schedules.length === 0 && invalid.length === 0) lines.push('', 'No changes.');
  else lines.push('', summary(plan));
  return lines.join('\n');
}
