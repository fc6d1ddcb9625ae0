/**
 * Keeps the store in step with the repository: on start, on the poll
 * interval, when the refs (or the working tree) change, and when asked
 * (`POST /api/v1/sync`, a push webhook). One sync runs at a time; requests
 * meanwhile fold into one more run. A failure (the remote cannot be
 * reached, a git error) changes nothing that is deployed: it is reported in
 * `status()` and retried with exponential backoff.
 */
import { existsSync } from 'node:fs';
import { toError } from '../errors.js';
import type { Clock } from '../ports/clock.js';
import type { GitOpsStore } from '../ports/gitops-store.js';
import { silentLog, type Log } from '../ports/log.js';
import type { Store } from '../ports/store.js';
import { redact, type GitAccess } from './git.js';
import type { ReconcileOutcome, Reconciler } from './reconcile.js';
import type { RepositorySource } from './repository.js';
import type { SnapshotBase, Snapshots } from './snapshots.js';

export interface SyncOptions {
  source: RepositorySource;
  reconciler: Reconciler;
  snapshots: Snapshots;
  store: Store;
  gitops: GitOpsStore;
  clock: Clock;
  pollMs: number;
  log?: Log;
  access?: Pick<GitAccess, 'token'>;
  /** After a revision was reconciled (the scheduler reloads here). */
  onReconciled?: (outcome: ReconcileOutcome) => void;
  /** First retry after a failure; doubles up to `maxBackoffMs`. */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** Ref and file events closer than this fold into one sync. */
  debounceMs?: number;
}

export type SyncState = 'starting' | 'ok' | 'failing';

export interface SyncStatus {
  source: { kind: string; description: string };
  state: SyncState;
  /** The revision in effect and when the repository was last checked successfully. */
  revision?: string;
  syncedAt?: number;
  lastAttemptAt?: number;
  lastError?: { message: string; at: number };
  consecutiveFailures: number;
  nextAttemptAt?: number;
  lastReconcile?: {
    revision: string;
    at: number;
    durationMs: number;
    /** Where the time went: fetching and listing, writing the snapshot, loading and committing. */
    phasesMs: { fetch: number; snapshot: number; reconcile: number };
    parsed: number;
    changed: boolean;
  };
}

export interface SyncResult {
  ok: boolean;
  revision?: string;
  /** A new revision was reconciled (false: the branch had not moved). */
  reconciled: boolean;
  error?: string;
}

export class Sync {
  private current: Promise<SyncResult> | undefined;
  private queued: Promise<SyncResult> | undefined;
  private cancelTimer: (() => void) | undefined;
  private stopWatching: (() => Promise<void>) | undefined;
  private debounce: NodeJS.Timeout | undefined;
  private stopped = false;
  private pruning: Promise<void> | undefined;
  /** The snapshot of the revision in effect: the next one links its unchanged files from it. */
  private last: SnapshotBase | undefined;
  private readonly log: Log;
  private readonly state: Omit<SyncStatus, 'source' | 'revision' | 'syncedAt'> = { state: 'starting', consecutiveFailures: 0 };

  constructor(private readonly options: SyncOptions) {
    this.log = options.log ?? silentLog;
  }

  /** The first sync (awaited; a failure is reported, not thrown), then polling and watching. */
  async start(): Promise<SyncResult> {
    const first = await this.syncNow('start');
    if (this.stopped) return first;
    this.stopWatching = await this.options.source.watch(() => {
      clearTimeout(this.debounce);
      this.debounce = setTimeout(() => void this.syncNow('change'), this.options.debounceMs ?? 50);
    });
    // A change between the first sync and the watch being ready would be missed.
    return this.options.source.kind === 'remote' ? first : this.syncNow('watching');
  }

  /** Syncs now, or right after the sync that is running. */
  syncNow(reason: string): Promise<SyncResult> {
    if (!this.current) {
      this.current = this.run(reason).finally(() => (this.current = undefined));
      return this.current;
    }
    this.queued ??= this.current.then(() => {
      this.queued = undefined;
      return this.syncNow(reason);
    });
    return this.queued;
  }

  status(): SyncStatus {
    const synced = this.options.gitops.getSyncState();
    return {
      source: { kind: this.options.source.kind, description: this.options.source.description },
      ...this.state,
      ...(synced ? { revision: synced.revision, syncedAt: synced.syncedAt } : {}),
    };
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.debounce);
    this.cancelTimer?.();
    await this.stopWatching?.();
    await this.current?.catch(() => undefined);
    await this.pruning;
    await this.options.snapshots.settle();
  }

  /** The snapshot of the revision in effect, with its tree, when it is still on disk. */
  private async baseSnapshot(): Promise<SnapshotBase | undefined> {
    if (this.last && existsSync(this.last.dir)) return this.last;
    const previous = this.options.gitops.getSyncState()?.revision;
    if (!previous || this.options.source.kind === 'worktree') return undefined;
    const dir = this.options.snapshots.dirOf(previous);
    if (!existsSync(dir)) return undefined;
    const tree = await this.options.source.revision(previous).then((r) => r.tree, () => undefined);
    return tree && { dir, tree, link: (dest) => this.options.snapshots.linkInto(dir, dest) };
  }

  private async run(reason: string): Promise<SyncResult> {
    const { source, gitops, store, clock, reconciler, snapshots } = this.options;
    if (this.stopped) return { ok: false, reconciled: false, error: 'stopped' };
    const started = clock.now();
    this.state.lastAttemptAt = started;
    try {
      const head = await source.head();
      const synced = gitops.getSyncState();
      // State written before the source was kept is taken to be of this source.
      const sameSource = synced?.source === undefined || synced.source === source.identity;
      if (synced?.revision === head && sameSource) {
        store.transaction(() => gitops.putSyncState({ revision: head, syncedAt: clock.now(), source: source.identity }));
        if (source.kind !== 'worktree') snapshots.prepare(snapshots.dirOf(head));
        this.succeeded();
        return { ok: true, revision: head, reconciled: false };
      }
      if (synced?.revision === head) this.log.info({ revision: head, was: synced.source, now: source.identity }, 'the repository or --path differs from the last run: reconciling again');
      const revision = await source.revision(head);
      const fetched = clock.now();
      const base = await this.baseSnapshot();
      const dir = await snapshots.ensure(revision.id, (tmp) => revision.write(tmp, base));
      this.last = { dir, tree: revision.tree, link: (dest) => snapshots.linkInto(dir, dest) };
      const written = clock.now();
      const outcome = await reconciler.reconcile({ revision: revision.id, dir, tree: revision.tree, source: source.identity });
      const done = clock.now();
      const phasesMs = { fetch: fetched - started, snapshot: written - fetched, reconcile: done - written };
      const durationMs = done - started;
      this.state.lastReconcile = { revision: revision.id, at: done, durationMs, phasesMs, parsed: outcome.parsed, changed: outcome.changed };
      this.log.info({ revision: revision.id, reason, durationMs, phasesMs, parsed: outcome.parsed, files: outcome.record.files.length }, `reconciled ${revision.id.slice(0, 20)} in ${durationMs} ms`);
      this.options.onReconciled?.(outcome);
      if (source.kind !== 'worktree') snapshots.prepare(dir);
      this.succeeded();
      // Old snapshots go in the background: deleting a large tree should not delay the next sync.
      this.pruning ??= this.prune()
        .catch((e: unknown) => this.log.warn({ err: toError(e).message }, 'removing old snapshots failed'))
        .finally(() => (this.pruning = undefined));
      return { ok: true, revision: revision.id, reconciled: true };
    } catch (e) {
      const message = redact(toError(e).message, this.options.access);
      this.failed(message);
      return { ok: false, reconciled: false, error: message };
    }
  }

  private succeeded(): void {
    this.state.state = 'ok';
    this.state.consecutiveFailures = 0;
    this.next(this.options.pollMs);
  }

  private failed(message: string): void {
    const now = this.options.clock.now();
    this.state.state = 'failing';
    this.state.consecutiveFailures++;
    this.state.lastError = { message, at: now };
    const initial = this.options.initialBackoffMs ?? 1000;
    const delay = Math.min(initial * 2 ** (this.state.consecutiveFailures - 1), this.options.maxBackoffMs ?? 300_000);
    this.log.warn({ failures: this.state.consecutiveFailures, retryInMs: delay }, `sync failed, the deployed revision stays: ${message}`);
    this.next(delay);
  }

  private next(delayMs: number): void {
    this.cancelTimer?.();
    if (this.stopped) return;
    const at = this.options.clock.now() + delayMs;
    this.state.nextAttemptAt = at;
    this.cancelTimer = this.options.clock.at(at, () => void this.syncNow(this.state.state === 'failing' ? 'retry' : 'poll'));
  }

  /** Snapshots are kept while an active deployment or a running instance uses them. */
  private async prune(): Promise<void> {
    const { store, snapshots } = this.options;
    const keep = new Set(store.listDeployments({ activeOnly: true }).map((d) => d.repoDir));
    if (this.last) keep.add(this.last.dir);
    let cursor: string | undefined;
    do {
      const page = store.listInstances({ status: 'running', limit: 500, ...(cursor ? { cursor } : {}) });
      for (const instance of page.items) {
        const dir = store.getDeployment(instance.deploymentId)?.repoDir;
        if (dir) keep.add(dir);
      }
      cursor = page.nextCursor;
    } while (cursor);
    const removed = await snapshots.prune(keep);
    if (removed.length > 0) this.log.info({ removed }, `removed ${removed.length} snapshot(s) nothing uses any more`);
  }
}
