/**
 * What a person can do to an instance from outside: cancel it, retry an
 * incident, a failed job or all of an instance's incidents. Each is one
 * engine step; `send` commits it (the daemon also applies its commands at
 * once; a client process leaves them in the outbox for the daemon).
 */
import type { EngineEvent } from '../engine/index.js';
import { PipelaneError } from '../errors.js';
import type { InstanceRecord, Store } from '../ports/store.js';
import { incidentViews, type IncidentView } from './views.js';

export interface InstanceControl {
  store: Store;
  /** Commits one engine step; false when the instance is not running. */
  send(instanceId: string, event: EngineEvent, actor: string): boolean;
  now(): number;
}

export function requireInstance(store: Store, id: string): InstanceRecord {
  const instance = store.getInstance(id);
  if (!instance) throw new PipelaneError('INSTANCE_NOT_FOUND', `there is no instance ${id}.`);
  return instance;
}

function notRunning(instance: InstanceRecord): PipelaneError {
  return new PipelaneError('CONFLICT', `instance ${instance.id} is ${instance.status}, not running.`);
}

/** Cancels a running instance: its containers are stopped, its timers removed, its user tasks closed. */
export function cancelInstance(control: InstanceControl, id: string, actor: string, reason = `cancelled by ${actor}`): void {
  const instance = requireInstance(control.store, id);
  if (!control.send(id, { type: 'cancel', at: control.now(), reason }, actor)) throw notRunning(instance);
}

/** Retries one open incident: the job runs again, or the element is entered again. */
export function retryIncident(control: InstanceControl, instanceId: string, incidentId: string, actor: string): IncidentView {
  const instance = requireInstance(control.store, instanceId);
  const incident = incidentViews(instance).find((i) => i.id === incidentId);
  if (!incident) throw new PipelaneError('INCIDENT_NOT_FOUND', `instance ${instanceId} has no open incident ${incidentId}.`);
  if (!control.send(instanceId, { type: 'retry', at: control.now(), incidentId }, actor)) throw notRunning(instance);
  return incident;
}

/** Retries a failed job: the open incident of its instance that holds this job. */
export function retryJob(control: InstanceControl, jobId: string, actor: string): IncidentView {
  const job = control.store.getJob(jobId);
  if (!job) throw new PipelaneError('JOB_NOT_FOUND', `there is no job ${jobId}.`);
  const instance = requireInstance(control.store, job.instanceId);
  const incident = incidentViews(instance).find((i) => i.jobId === jobId);
  if (!incident || instance.status !== 'running') {
    throw new PipelaneError('CONFLICT', `job ${jobId} is ${job.state} and has no open incident to retry (instance ${instance.id} is ${instance.status}).`);
  }
  return retryIncident(control, instance.id, incident.id, actor);
}

/** Retries every open incident of an instance; returns them (none: a 409). */
export function retryInstance(control: InstanceControl, instanceId: string, actor: string): IncidentView[] {
  const instance = requireInstance(control.store, instanceId);
  const incidents = incidentViews(instance);
  if (incidents.length === 0 || instance.status !== 'running') {
    throw new PipelaneError('CONFLICT', `instance ${instanceId} is ${instance.status} and has no open incident to retry.`);
  }
  return incidents.map((incident) => retryIncident(control, instanceId, incident.id, actor));
}
