/**
 * Incremental loading: a model file is parsed and validated again only when
 * a blob it depends on changed — its .bpmn, its sidecar, or a script it
 * names. Blob ids come from git (`ls-tree`) or, for a working tree, from
 * hashing the files the way git does.
 *
 * A file's version is the hash of those blobs, so a file whose model,
 * sidecar and scripts did not change keeps its version (and its running
 * deployment) across commits.
 */
import { createHash } from 'node:crypto';
import { basename, posix } from 'node:path';
import { loadModelFile, type ModelFile } from './discover.js';
import { repoPathOf } from '../model/script-path.js';
import type { DeploymentModel } from '../model/process-model.js';
import type { Sidecar } from '../model/sidecar.js';

/** Repository-relative path → blob id. */
export type FileTree = ReadonlyMap<string, string>;

export interface LoadedModel {
  file: string;
  /** Content hash of the .bpmn, its sidecar and its scripts; the deployment id is `<file>@<version[0..12]>`. */
  version: string;
  loaded: ModelFile;
}

interface Entry {
  key: string;
  /** Paths the result depends on besides the .bpmn and sidecar, with their blob then (null: missing). */
  deps: [string, string | null][];
  model: LoadedModel;
}

export function sidecarPathOf(file: string): string {
  return posix.join(posix.dirname(file), `${basename(file, '.bpmn')}.yaml`);
}

export function deploymentIdOf(model: Pick<LoadedModel, 'file' | 'version'>): string {
  return `${model.file}@${model.version.slice(0, 12)}`;
}

/** What the cache knows of a file, small enough to keep across restarts. */
export interface CachedSource {
  key: string;
  deps: [string, string | null][];
  version: string;
}

/** A version loaded by an earlier process, found again without parsing (or undefined). */
export type Recall = (file: string, source: CachedSource) => LoadedModel | undefined;

export class ModelCache {
  private readonly entries = new Map<string, Entry>();
  /** How many files the last `load` calls parsed (for logs and the benchmark). */
  parsed = 0;

  constructor(private readonly recall?: { sources: ReadonlyMap<string, CachedSource>; load: Recall }) {}

  /** The file loaded from `dir` (a checkout of `tree`), from the cache when nothing it depends on changed. */
  async load(dir: string, tree: FileTree, file: string): Promise<LoadedModel> {
    const key = `${tree.get(file) ?? ''}\0${tree.get(sidecarPathOf(file)) ?? ''}`;
    const hit = this.entries.get(file);
    const unchanged = (deps: [string, string | null][]) => deps.every(([path, blob]) => (tree.get(path) ?? null) === blob);
    if (hit && hit.key === key && unchanged(hit.deps)) return hit.model;
    const before = hit ? undefined : this.recall?.sources.get(file);
    if (before && before.key === key && unchanged(before.deps)) {
      const model = this.recall!.load(file, before);
      if (model) {
        this.entries.set(file, { key, deps: before.deps, model });
        return model;
      }
    }
    this.parsed++;
    const loaded = await loadModelFile(dir, file);
    const deps: [string, string | null][] = loaded.model
      ? scriptPathsOf(file, loaded.model, loaded.sidecar).map((p) => [p, tree.get(p) ?? null])
      : [];
    const version = createHash('sha256')
      .update(loaded.hash)
      .update(deps.map(([p, b]) => `\0${p}=${b ?? ''}`).join(''))
      .digest('hex');
    const model: LoadedModel = { file, version, loaded };
    // A refused file is not kept: what would fix it (a script added, say) may lie outside its known blobs.
    if (loaded.model) this.entries.set(file, { key, deps, model });
    else this.entries.delete(file);
    return model;
  }

  /** The cached files' sources, to be recalled by a later process. */
  sources(): Map<string, CachedSource> {
    return new Map([...this.entries].map(([file, e]) => [file, { key: e.key, deps: e.deps, version: e.model.version }]));
  }

  /** Forgets files that are gone from the tree. */
  retain(files: Iterable<string>): void {
    const keep = new Set(files);
    for (const file of this.entries.keys()) if (!keep.has(file)) this.entries.delete(file);
  }
}

/** The repository paths of the scripts a model names (sidecar `tasks.<id>.script` or `camunda:resource`). */
export function scriptPathsOf(file: string, model: DeploymentModel, sidecar: Sidecar | undefined): string[] {
  const out = new Set<string>();
  const add = (raw: string | undefined, namedBy: string) => {
    if (raw === undefined) return;
    const checked = repoPathOf(raw, posix.dirname(namedBy));
    if (checked.ok) out.add(checked.path);
  };
  for (const process of Object.values(model.processes)) {
    for (const node of Object.values(process.nodes)) {
      const fromSidecar = sidecar?.tasks[node.id]?.script;
      if (fromSidecar !== undefined && sidecar) add(fromSidecar, sidecar.file);
      else if (node.type === 'scriptTask') add(node.script?.resource, file);
    }
  }
  for (const task of Object.values(model.globalTasks)) add(task.script?.resource, file);
  return [...out].sort();
}
