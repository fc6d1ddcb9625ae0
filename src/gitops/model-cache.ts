/**
 * Incremental loading: a model file is parsed and validated again only when
 * a blob it depends on changed — its .bpmn, its sidecar, a script it names,
 * the pipelane.yaml that governs it or a form file it names
 * (model-inputs.ts). Blob ids come from git (`ls-tree`) or, for a working
 * tree, from hashing the files the way git does.
 *
 * A file's version is the hash of those blobs, so a file none of whose
 * inputs changed keeps its version (and its running deployment) across
 * commits, and a commit that changes only pipelane.yaml makes a new version
 * of every model it governs.
 */
import { createHash } from 'node:crypto';
import { basename, posix } from 'node:path';
import { loadModelFile, type ModelFile } from './discover.js';
import { blobIn, configInputsOf, formPathsOf, scriptPathsOf, type Input } from './model-inputs.js';

/** Repository-relative path → blob id. */
export type FileTree = ReadonlyMap<string, string>;

export interface LoadedModel {
  file: string;
  /** Content hash of the .bpmn, its sidecar and its other inputs; the deployment id is `<file>@<version[0..12]>`. */
  version: string;
  loaded: ModelFile;
}

interface Entry {
  key: string;
  /** Paths the result depends on besides the .bpmn and sidecar, with their blob then (null: missing). */
  deps: Input[];
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
  deps: Input[];
  version: string;
}

/**
 * Part of every cache key: an index written before pipelane.yaml and forms
 * were inputs lacks those deps, so its entries must not match.
 */
const KEY_FORMAT = '2';

/** A version loaded by an earlier process, found again without parsing (or undefined). */
export type Recall = (file: string, source: CachedSource) => LoadedModel | undefined;

export class ModelCache {
  private readonly entries = new Map<string, Entry>();
  /** How many files the last `load` calls parsed (for logs and the benchmark). */
  parsed = 0;

  constructor(private readonly recall?: { sources: ReadonlyMap<string, CachedSource>; load: Recall }) {}

  /** The file loaded from `dir` (a checkout of `tree`), from the cache when nothing it depends on changed. */
  async load(dir: string, tree: FileTree, file: string): Promise<LoadedModel> {
    const key = `${KEY_FORMAT}\0${tree.get(file) ?? ''}\0${tree.get(sidecarPathOf(file)) ?? ''}`;
    const hit = this.entries.get(file);
    const unchanged = (deps: Input[]) => deps.every(([path, blob]) => blobIn(tree, path) === blob);
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
    const scripts: Input[] = loaded.model ? scriptPathsOf(file, loaded.model, loaded.sidecar).map((p) => [p, tree.get(p) ?? null]) : [];
    const others: Input[] = [...configInputsOf(file, tree), ...(loaded.model ? formPathsOf(file, loaded.model).map((p): Input => [p, blobIn(tree, p)]) : [])];
    const deps = [...scripts, ...others];
    // Missing config and form files are left out of the hash, so a repository without any keeps the versions it had before they counted.
    const version = createHash('sha256')
      .update(loaded.hash)
      .update(scripts.map(([p, b]) => `\0${p}=${b ?? ''}`).join(''))
      .update(others.filter(([, b]) => b !== null).map(([p, b]) => `\0${p}=${b}`).join(''))
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
