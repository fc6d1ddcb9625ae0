/**
 * What a deployed model asks to be started on a schedule: the sidecar's
 * `schedules` and the process's timer start events. Pure: a model and a
 * sidecar in, schedule definitions with stable ids out.
 *
 * Ids are `<file>#<schedule key>` for a sidecar schedule and
 * `<file>#<timer start event id>` for a timer start event, so the same
 * schedule keeps its id (and its fire history) across versions of the file.
 */
import type { DeploymentModel, ProcessDefinition, TimerKind } from '../model/process-model.js';
import type { Sidecar } from '../model/sidecar.js';

export type OverlapPolicy = 'skip' | 'queue' | 'allow';
export type CatchUpPolicy = 'none' | 'last' | 'all';

export type ScheduleTrigger =
  | { kind: 'cron'; cron: string; timezone: string }
  | { kind: 'timer'; timer: TimerKind; expression: string };

export interface ScheduleDefinition {
  /** Stable: `<file>#<key>`. */
  id: string;
  file: string;
  source: 'sidecar' | 'timerStartEvent';
  processId: string;
  /** The timer start event the instance starts at (timer schedules only). */
  startEventId?: string;
  trigger: ScheduleTrigger;
  variables: Record<string, unknown>;
  overlap: OverlapPolicy;
  catchUp: CatchUpPolicy;
}

/**
 * Timer start events have no place for policies in BPMN: each trigger starts
 * an instance (overlap `allow`), and after downtime the last missed trigger
 * runs (`last`, the sidecar's default too).
 */
export const TIMER_START_POLICIES = { overlap: 'allow', catchUp: 'last' } as const;

/** The schedules of one model file, sorted by id. */
export function schedulesOf(file: string, model: DeploymentModel, sidecar: Sidecar | undefined): ScheduleDefinition[] {
  const out: ScheduleDefinition[] = [];
  const target = scheduledProcess(model);
  if (sidecar && target) {
    for (const s of sidecar.schedules) {
      out.push({
        id: `${file}#${s.id}`,
        file,
        source: 'sidecar',
        processId: target.id,
        trigger: { kind: 'cron', cron: s.cron, timezone: s.timezone },
        variables: s.variables,
        overlap: s.overlap,
        catchUp: s.catchUp,
      });
    }
  }
  for (const process of executableProcesses(model)) {
    for (const eventId of process.scopes[process.id]?.startEvents ?? []) {
      const node = process.nodes[eventId];
      const timer = node?.eventDefinitions.find((d) => d.kind === 'timer');
      if (!node || !timer || timer.kind !== 'timer') continue;
      out.push({
        id: `${file}#${eventId}`,
        file,
        source: 'timerStartEvent',
        processId: process.id,
        startEventId: eventId,
        trigger: { kind: 'timer', timer: timer.timer, expression: timer.expression.trim() },
        variables: {},
        ...TIMER_START_POLICIES,
      });
    }
  }
  return out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

function executableProcesses(model: DeploymentModel): ProcessDefinition[] {
  return Object.values(model.processes).filter((p) => p.isExecutable);
}

/**
 * The process a sidecar schedule starts: the file's executable process, or
 * with several, the first in the file that has a none start event.
 */
export function scheduledProcess(model: DeploymentModel): ProcessDefinition | undefined {
  const executable = executableProcesses(model);
  if (executable.length <= 1) return executable[0];
  return (
    executable.find((p) =>
      (p.scopes[p.id]?.startEvents ?? []).some((id) => (p.nodes[id]?.eventDefinitions.length ?? 1) === 0),
    ) ?? executable[0]
  );
}

const keys = new WeakMap<ScheduleDefinition, string>();

/** The part of a definition whose change makes it a changed schedule (not its id). */
export function definitionKey(d: ScheduleDefinition): string {
  let key = keys.get(d);
  if (key === undefined) {
    key = JSON.stringify([d.processId, d.startEventId ?? null, d.trigger, sortKeys(d.variables), d.overlap, d.catchUp]);
    keys.set(d, key);
  }
  return key;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.keys(value as Record<string, unknown>)
      .sort()
      .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
  );
}

/** How a trigger reads to a person: `cron "0 6 * * 1-5" (Europe/Berlin)`, `timeCycle R/PT1H`. */
export function describeTrigger(trigger: ScheduleTrigger): string {
  return trigger.kind === 'cron' ? `cron "${trigger.cron}" (${trigger.timezone})` : `${trigger.timer} ${trigger.expression}`;
}
