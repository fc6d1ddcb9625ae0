/**
 * The files of a repository that a model's deployment reads besides its
 * .bpmn and sidecar, and so the inputs of its version: the scripts it names,
 * the pipelane.yaml that governs it (people, groups, channels: approvals and
 * failure notices read it from the deployment's snapshot) and the form-js
 * files its user tasks name. Paths are repository-relative, as in a FileTree.
 */
import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import { PEOPLE_FILE } from '../config/people.js';
import { formSourceOf } from '../model/form-source.js';
import { repoPathOf } from '../model/script-path.js';
import type { DeploymentModel } from '../model/process-model.js';
import type { Sidecar } from '../model/sidecar.js';
import type { FileTree } from './model-cache.js';

/** A path and its blob in a tree (null: missing). A `dir/*.form` path stands for every .form file of that directory. */
export type Input = [path: string, blob: string | null];

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

/**
 * The pipelane.yaml candidates of a model, nearest first, up to and
 * including the one that exists (as `loadPeople` looks them up): a nearer
 * one appearing, or the governing one changing, changes what the model reads.
 */
export function configInputsOf(file: string, tree: FileTree): Input[] {
  const out: Input[] = [];
  for (let dir = posix.dirname(file); ; dir = posix.dirname(dir)) {
    const path = dir === '.' ? PEOPLE_FILE : `${dir}/${PEOPLE_FILE}`;
    const blob = tree.get(path) ?? null;
    out.push([path, blob]);
    if (blob !== null || dir === '.') return out;
  }
}

/**
 * The form files a model's user tasks name, found as the task form is at run
 * time (model/form-source.ts); `zeebe:formId` may be any .form file beside
 * the .bpmn, so that directory's .form files count as one input.
 */
export function formPathsOf(file: string, model: DeploymentModel): string[] {
  const out = new Set<string>();
  for (const process of Object.values(model.processes)) {
    for (const node of Object.values(process.nodes)) {
      if (node.type !== 'userTask') continue;
      const source = formSourceOf(node, file);
      if (source?.kind === 'file') {
        const checked = repoPathOf(source.raw, source.baseDir);
        if (checked.ok) out.add(checked.path);
      } else if (source?.kind === 'formId') out.add(source.dir === '' ? FORMS_OF_DIR : `${source.dir}/${FORMS_OF_DIR}`);
    }
  }
  return [...out].sort();
}

const FORMS_OF_DIR = '*.form';

/** Per tree, the hash of each directory's .form files: computed in one pass over the tree, when first asked. */
const formHashes = new WeakMap<FileTree, Map<string, string>>();

/** What an input is in a tree now: a file's blob, or for `dir/*.form` one hash of that directory's .form files. */
export function blobIn(tree: FileTree, path: string): string | null {
  if (posix.basename(path) !== FORMS_OF_DIR) return tree.get(path) ?? null;
  let hashes = formHashes.get(tree);
  if (!hashes) {
    const byDir = new Map<string, string[]>();
    for (const [p, b] of tree) {
      if (!p.endsWith('.form')) continue;
      const dir = posix.dirname(p);
      byDir.set(dir, [...(byDir.get(dir) ?? []), `${p}=${b}\n`]);
    }
    hashes = new Map([...byDir].map(([dir, lines]) => [dir, createHash('sha1').update(lines.sort().join('')).digest('hex')]));
    formHashes.set(tree, hashes);
  }
  return hashes.get(posix.dirname(path)) ?? null;
}
