import { readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Store } from '../ports/store.js';

/**
 * Removes the /workspace directories of instances that ended more than
 * `retentionMs` ago (and of directories no instance owns, by their age).
 * Running instances keep theirs whatever their age. Returns what it removed.
 */
export function sweepWorkspaces(store: Store, workspacesDir: string, retentionMs: number, now: number): string[] {
  let entries: string[];
  try {
    entries = readdirSync(workspacesDir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of entries) {
    const instance = store.getInstance(name);
    const endedAt = instance ? (instance.status === 'running' ? undefined : instance.updatedAt) : statSync(join(workspacesDir, name)).mtimeMs;
    if (endedAt === undefined || now - endedAt < retentionMs) continue;
    rmSync(join(workspacesDir, name), { recursive: true, force: true });
    removed.push(name);
  }
  return removed;
}
