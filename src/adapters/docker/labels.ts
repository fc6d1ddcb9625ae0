/**
 * How a job's container is found again: by name (one container per job id,
 * so a replayed command cannot start a second one) and by labels (what the
 * runtime needs to collect its outcome after a crash).
 */
import { createHash } from 'node:crypto';

export const LABEL = {
  job: 'pipelane.job',
  instance: 'pipelane.instance',
  process: 'pipelane.process',
  element: 'pipelane.element',
  attempt: 'pipelane.attempt',
  /** Host directory of the job's control files ($PIPELANE_INPUT, _OUTPUT, _ERROR). */
  controlDir: 'pipelane.control-dir',
  timeoutMs: 'pipelane.timeout-ms',
  /** Names of the environment variables holding secrets, comma-separated, to mask after a reattach. */
  secrets: 'pipelane.secrets',
} as const;

/** Docker allows `[a-zA-Z0-9][a-zA-Z0-9_.-]*`; other ids get a hash suffix so names stay unique. */
export function containerName(jobId: string): string {
  const safe = jobId.replace(/[^a-zA-Z0-9_.-]/g, '-');
  if (safe === jobId) return `pipelane-job-${jobId}`;
  const hash = createHash('sha256').update(jobId).digest('hex').slice(0, 12);
  return `pipelane-job-${safe.slice(0, 80)}-${hash}`;
}
