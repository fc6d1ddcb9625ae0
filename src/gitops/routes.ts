/**
 * GitOps under /api/v1: the sync status (current revision, last sync, the
 * last error), "sync now", the reconciled revisions with what each deployed
 * and refused, and the schedules with their next and last fires.
 */
import { PipelaneError } from '../errors.js';
import { intParam } from '../http/request.js';
import { json } from '../http/respond.js';
import type { Route } from '../http/router.js';
import type { FireRecord, RevisionRecord } from '../ports/gitops-store.js';
import type { GitOps, ScheduleView } from './gitops.js';
import type { SyncStatus } from './sync.js';

const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

export function statusView(status: SyncStatus): Record<string, unknown> {
  return {
    source: status.source,
    state: status.state,
    revision: status.revision,
    syncedAt: iso(status.syncedAt),
    lastAttemptAt: iso(status.lastAttemptAt),
    consecutiveFailures: status.consecutiveFailures,
    ...(status.state === 'failing' ? { lastError: { message: status.lastError?.message, at: iso(status.lastError?.at) }, nextAttemptAt: iso(status.nextAttemptAt) } : {}),
    ...(status.lastReconcile ? { lastReconcile: { ...status.lastReconcile, at: iso(status.lastReconcile.at) } } : {}),
  };
}

export function revisionView(r: RevisionRecord): Record<string, unknown> {
  return {
    revision: r.revision,
    reconciledAt: iso(r.reconciledAt),
    deployments: r.files.map((f) => ({
      file: f.file,
      status: f.status,
      ...(f.deploymentId ? { deploymentId: f.deploymentId } : {}),
      processes: f.processIds,
      errors: f.diagnostics.filter((d) => d.severity === 'error'),
      warnings: f.diagnostics.filter((d) => d.severity === 'warning').length,
    })),
    schedules: r.schedules,
  };
}

export function scheduleView(s: ScheduleView): Record<string, unknown> {
  return {
    id: s.id,
    file: s.file,
    source: s.source,
    processId: s.processId,
    ...(s.startEventId ? { startEventId: s.startEventId } : {}),
    state: s.state,
    deploymentId: s.deploymentId,
    trigger: s.trigger,
    variables: s.variables,
    overlap: s.overlap,
    catchUp: s.catchUp,
    nextFireAt: iso(s.nextFireAt),
    ...(s.upcoming.length > 0 ? { upcoming: s.upcoming.map(iso) } : {}),
    lastFireAt: iso(s.lastFireAt),
    since: iso(s.since),
    ...(s.revision ? { revision: s.revision } : {}),
    ...(s.problem ? { problem: s.problem } : {}),
  };
}

function fireView(f: FireRecord): Record<string, unknown> {
  return { fireAt: iso(f.fireAt), outcome: f.outcome, decidedAt: iso(f.decidedAt), ...(f.instanceId ? { instanceId: f.instanceId } : {}), ...(f.reason ? { reason: f.reason } : {}) };
}

export function gitopsRoutes(gitops: GitOps): Route[] {
  return [
    {
      method: 'GET',
      pattern: '/api/v1/gitops',
      handler: () => {
        const status = gitops.status();
        const current = status.revision ? gitops.revision(status.revision) : undefined;
        const errors = current ? current.files.filter((f) => f.status === 'invalid').map((f) => ({ file: f.file, deploymentId: f.deploymentId, errors: f.diagnostics.filter((d) => d.severity === 'error') })) : [];
        return json(200, { ...statusView(status), invalid: errors });
      },
    },
    {
      method: 'POST',
      pattern: '/api/v1/sync',
      handler: async ({ req }) => {
        req.resume();
        const result = await gitops.sync.syncNow('api');
        if (!result.ok) throw new PipelaneError('GIT_FAILED', `the sync failed; the deployed revision stays: ${result.error}`);
        return json(200, { revision: result.revision, reconciled: result.reconciled, status: statusView(gitops.status()) });
      },
    },
    {
      method: 'GET',
      pattern: '/api/v1/revisions',
      handler: ({ query }) => json(200, { items: gitops.revisions(intParam(query, 'limit', 20, 1, 500)).map(revisionView) }),
    },
    {
      method: 'GET',
      pattern: '/api/v1/revisions/:revision',
      handler: ({ params }) => {
        const revision = gitops.revision(params['revision']!);
        if (!revision) throw new PipelaneError('REVISION_NOT_FOUND', `revision ${params['revision']} was never reconciled.`);
        return json(200, revisionView(revision));
      },
    },
    {
      method: 'GET',
      pattern: '/api/v1/schedules',
      handler: ({ query }) => {
        const all = query.get('all') === 'true' || query.get('all') === '1';
        const upcoming = intParam(query, 'upcoming', 0, 0, 20);
        return json(200, { items: gitops.schedules({ includeRemoved: all, upcoming }).map(scheduleView) });
      },
    },
    {
      method: 'GET',
      pattern: '/api/v1/schedules/:id/fires',
      handler: ({ params, query }) => {
        const id = params['id']!;
        if (!gitops.schedules({ includeRemoved: true }).some((s) => s.id === id)) throw new PipelaneError('SCHEDULE_NOT_FOUND', `there is no schedule ${id}; ids look like churn/churn.bpmn#nightly (URL-encode the # as %23).`);
        return json(200, { items: gitops.fires(id, intParam(query, 'limit', 50, 1, 1000)).map(fireView) });
      },
    },
  ];
}
