/**
 * Prometheus text exposition: instances by process and state, job durations
 * (a histogram fed by the runtime's jobFinished activity since the daemon
 * started), the queue depth and the open incidents.
 */
import type { Store } from '../ports/store.js';
import type { RuntimeActivity } from '../runtime/activity.js';

const BUCKETS_SECONDS = [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600];

type Outcome = 'completed' | 'bpmnError' | 'failed';

interface Histogram {
  buckets: number[];
  sum: number;
  count: number;
}

export interface QueueDepth {
  queued: number;
  running: number;
}

export class Metrics {
  private readonly durations = new Map<Outcome, Histogram>();

  /** Feed it the runtime's activity. */
  observe(activity: RuntimeActivity): void {
    if (activity.kind !== 'jobFinished') return;
    const outcome = activity.outcome.kind;
    let h = this.durations.get(outcome);
    if (!h) this.durations.set(outcome, (h = { buckets: BUCKETS_SECONDS.map(() => 0), sum: 0, count: 0 }));
    const seconds = Math.max(0, activity.durationMs) / 1000;
    BUCKETS_SECONDS.forEach((le, i) => {
      if (seconds <= le) h.buckets[i]! += 1;
    });
    h.sum += seconds;
    h.count += 1;
  }

  render(store: Store, queue: QueueDepth): string {
    const lines: string[] = [];
    const metric = (name: string, type: string, help: string) => lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);

    metric('pipelane_instances', 'gauge', 'Process instances by process and state.');
    for (const row of store.countInstances()) lines.push(`pipelane_instances{process="${label(row.processId)}",state="${row.status}"} ${row.count}`);

    metric('pipelane_job_duration_seconds', 'histogram', 'How long script tasks ran, by outcome (since the daemon started).');
    for (const [outcome, h] of this.durations) {
      BUCKETS_SECONDS.forEach((le, i) => lines.push(`pipelane_job_duration_seconds_bucket{outcome="${outcome}",le="${le}"} ${h.buckets[i]}`));
      lines.push(`pipelane_job_duration_seconds_bucket{outcome="${outcome}",le="+Inf"} ${h.count}`);
      lines.push(`pipelane_job_duration_seconds_sum{outcome="${outcome}"} ${h.sum}`);
      lines.push(`pipelane_job_duration_seconds_count{outcome="${outcome}"} ${h.count}`);
    }

    metric('pipelane_job_queue_depth', 'gauge', 'Jobs waiting for a slot plus jobs running.');
    lines.push(`pipelane_job_queue_depth ${queue.queued + queue.running}`);
    metric('pipelane_jobs', 'gauge', 'Jobs in this daemon by state.');
    lines.push(`pipelane_jobs{state="queued"} ${queue.queued}`, `pipelane_jobs{state="running"} ${queue.running}`);

    metric('pipelane_open_incidents', 'gauge', 'Open incidents of running instances.');
    lines.push(`pipelane_open_incidents ${store.countOpenIncidents()}`);

    metric('pipelane_timers', 'gauge', 'Timers waiting to fire (BPMN timers and retry backoffs).');
    lines.push(`pipelane_timers ${store.countTimers()}`);
    return `${lines.join('\n')}\n`;
  }
}

function label(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}
