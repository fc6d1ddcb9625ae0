/**
 * `GET /api/v1/instances/{id}/logs[?task=][&follow=1]`: the stored lines of
 * the instance's jobs as a JSON array, or, with follow, a server-sent event
 * stream of them that goes on live until none of the jobs is queued or
 * running any more (or the instance ends), then says `end`.
 */
import type { Runtime } from '../runtime/runtime.js';
import type { Api } from './context.js';
import { requireInstance } from './instance-actions.js';
import { json } from './respond.js';
import type { ApiRequest, Route } from './router.js';
import { jobsOf, logEntries, type LogEntryView } from './views.js';

const KEEP_ALIVE_MS = 15_000;

export function logRoutes(api: Api): Route[] {
  const { runtime } = api;
  return [
    {
      method: 'GET',
      pattern: '/api/v1/instances/:id/logs',
      handler: async (request) => {
        const instance = requireInstance(runtime.store, request.params['id']!);
        const task = request.query.get('task') || undefined;
        const follow = ['1', 'true'].includes(request.query.get('follow') ?? '');
        if (follow) return stream(runtime, request, instance.id, task);
        return json(200, await logEntries(runtime.options.logs, jobsOf(runtime.store, instance.id, task)));
      },
    },
  ];
}

const keyOf = (e: LogEntryView) => `${e.jobId}\0${e.at}\0${e.stream}\0${e.text}`;

async function stream(runtime: Runtime, request: ApiRequest, instanceId: string, task: string | undefined): Promise<undefined> {
  const { res, signal } = request;
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
  res.flushHeaders();
  const write = (event: string, data: unknown) => res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);

  let live = false;
  const early: LogEntryView[] = [];
  let finish: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  const matches = (jobId: string, elementId: string) => task === undefined || task === jobId || task === elementId;
  // Jobs end, new ones are queued: look again once the step that follows has been applied.
  const check = () => {
    const instance = runtime.store.getInstance(instanceId);
    const busy = jobsOf(runtime.store, instanceId, task).some((j) => j.state === 'queued' || j.state === 'running');
    if (!instance || instance.status !== 'running' || !busy) finish();
  };
  const off = runtime.onActivity((activity) => {
    if (activity.instanceId !== instanceId) return;
    if (activity.kind === 'log') {
      if (!matches(activity.jobId, activity.elementId)) return;
      const { stream: s, at, text } = activity.line;
      const entry: LogEntryView = { jobId: activity.jobId, element: activity.elementId, stream: s, at, text };
      if (live) write('log', entry);
      else early.push(entry);
    } else if (activity.kind === 'jobOutcomeStored' || activity.kind === 'instanceEnded' || activity.kind === 'incident') {
      // jobFinished would be too early: the job reads as running until its outcome is committed.
      setImmediate(check);
    }
  });
  const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), KEEP_ALIVE_MS);
  signal.addEventListener('abort', finish);
  try {
    // Subscribed first, then the files: a line in both is written once.
    const stored = await logEntries(runtime.options.logs, jobsOf(runtime.store, instanceId, task));
    const seen = new Set(stored.map(keyOf));
    for (const entry of stored) write('log', entry);
    for (const entry of early) if (!seen.has(keyOf(entry))) write('log', entry);
    live = true;
    check();
    await finished;
    if (!signal.aborted) {
      const instance = runtime.store.getInstance(instanceId);
      write('end', { instanceId, state: instance?.status });
    }
  } finally {
    off();
    clearInterval(keepAlive);
    signal.removeEventListener('abort', finish);
    res.end();
  }
  return undefined;
}
