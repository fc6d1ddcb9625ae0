import { readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { toError } from '../errors.js';
import type { Store } from '../ports/store.js';

/**
 * Removes the /workspace directories of instances that ended more than
 * `retentionMs` ago (and of directories no instance owns, by their age).
 * Running instances keep theirs whatever their age. A directory that cannot
 * be removed (files a container wrote as another user) is reported, not
 * thrown: the sweep goes on with the others and the next sweep tries again.
 */
export function sweepWorkspaces(store: Store, workspacesDir: string, retentionMs: number, now: number): SweepResult {
  const result: SweepResult = { removed: [], failed: [] };
  let entries: string[];
  try {
    entries = readdirSync(workspacesDir);
  } catch {
    return result;
  }
  for (const name of entries) {
    const path = join(workspacesDir, name);
    try {
      const instance = store.getInstance(name);
      const endedAt = instance ? (instance.status === 'running' ? undefined : instance.updatedAt) : statSync(path).mtimeMs;
      if (endedAt === undefined || now - endedAt < retentionMs) continue;
      rmSync(path, { recursive: true, force: true });
      result.removed.push(name);
    } catch (error) {
      result.failed.push({ name, message: toError(error).message });
    }
  }
  return result;
}

export interface SweepResult {
  removed: string[];
  failed: { name: string; message: string }[];
}
