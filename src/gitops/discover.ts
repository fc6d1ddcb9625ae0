import { createHash } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import { basename, dirname, join, relative, sep } from 'node:path';
import type { Diagnostic } from '../model/diagnostic.js';
import { hasErrors } from '../model/diagnostic.js';
import { loadBpmn } from '../model/load.js';
import type { DeploymentModel } from '../model/process-model.js';
import { resolveScriptSource } from './script-source.js';
import { parseSidecar, type Sidecar } from '../model/sidecar.js';
import { approvalDiagnostics } from '../model/approval-settings.js';
import { peopleDiagnostics } from '../approvals/people-check.js';
import { loadPeople, PEOPLE_FILE } from '../config/people.js';
import { toError } from '../errors.js';

/** One `.bpmn` file of a repository with its sidecar, loaded and checked. */
export interface ModelFile {
  /** Repository-relative path, with forward slashes. */
  file: string;
  /** Content hash of the .bpmn text and the sidecar text. */
  hash: string;
  model?: DeploymentModel;
  sidecar?: Sidecar;
  diagnostics: Diagnostic[];
}

export const SKIPPED_DIRS = new Set(['node_modules', '.git', '.pipelane']);

/** Every `.bpmn` file below `repoDir`, repository-relative, sorted. */
export async function findModelFiles(repoDir: string): Promise<string[]> {
  const out: string[] = [];
  async function walk(dir: string): Promise<void> {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRS.has(entry.name)) await walk(join(dir, entry.name));
      } else if (entry.isFile() && entry.name.endsWith('.bpmn')) {
        out.push(relative(repoDir, join(dir, entry.name)).split(sep).join('/'));
      }
    }
  }
  await walk(repoDir);
  return out.sort();
}

/**
 * Loads one model file of a repository: the BPMN (parsed, validated,
 * compiled), its sidecar `<name>.yaml` when there is one, and the scripts of
 * its script tasks (they must exist and stay inside the repository).
 */
export async function loadModelFile(repoDir: string, file: string): Promise<ModelFile> {
  const xml = await readFile(join(repoDir, file), 'utf8');
  const sidecarFile = join(dirname(file), `${basename(file, '.bpmn')}.yaml`).split(sep).join('/');
  const sidecarText = await readFile(join(repoDir, sidecarFile), 'utf8').catch(() => undefined);
  const hash = createHash('sha256').update(xml).update('\0').update(sidecarText ?? '').digest('hex');
  const loaded = await loadBpmn(xml, file);
  const diagnostics = [...loaded.diagnostics];
  let sidecar: Sidecar | undefined;
  if (sidecarText !== undefined) {
    const parsed = parseSidecar(sidecarText, sidecarFile);
    if (parsed.ok) sidecar = parsed.sidecar;
    else diagnostics.push(...parsed.diagnostics);
  }
  if (!loaded.ok) return { file, hash, diagnostics };
  diagnostics.push(...(await checkScripts(repoDir, file, loaded.model, sidecar)));
  if (sidecar) diagnostics.push(...unknownTaskKeys(loaded.model, sidecar));
  const config = await configDiagnostics(repoDir, file);
  diagnostics.push(...approvalDiagnostics(loaded.model, sidecar), ...(config.length > 0 ? config : await peopleDiagnostics(repoDir, loaded.model, sidecar)));
  if (hasErrors(diagnostics)) return { file, hash, diagnostics };
  return { file, hash, model: loaded.model, ...(sidecar ? { sidecar } : {}), diagnostics };
}

async function checkScripts(repoDir: string, file: string, model: DeploymentModel, sidecar: Sidecar | undefined): Promise<Diagnostic[]> {
  const out: Diagnostic[] = [];
  for (const process of Object.values(model.processes)) {
    for (const node of Object.values(process.nodes)) {
      const fromSidecar = sidecar?.tasks[node.id]?.script;
      if (node.type !== 'scriptTask' && fromSidecar === undefined) continue;
      const result = await resolveScriptSource(repoDir, {
        elementId: node.id,
        bpmnFile: file,
        spec: node.script ?? {},
        ...(sidecar ? { sidecar: { file: sidecar.file, script: fromSidecar } } : {}),
      });
      out.push(...result.diagnostics);
    }
  }
  return out;
}

/**
 * The pipelane.yaml that governs a model is an input of its version
 * (model-inputs.ts), so one that does not load refuses every model below
 * it, whether or not the model names people: their last good versions stay.
 */
async function configDiagnostics(repoDir: string, file: string): Promise<Diagnostic[]> {
  try {
    await loadPeople(repoDir, file);
    return [];
  } catch (error) {
    const e = toError(error);
    return [{ severity: 'error', rule: 'pipelane/people', file: e.file ?? PEOPLE_FILE, message: e.message, fix: `Correct ${e.file ?? PEOPLE_FILE} (it governs ${file}): people have email and github, groups list people by key; see docs/approvals.md.` }];
  }
}

/** A sidecar that configures a task the model does not have is most likely a typo. */
function unknownTaskKeys(model: DeploymentModel, sidecar: Sidecar): Diagnostic[] {
  const ids = new Set(Object.values(model.processes).flatMap((p) => Object.keys(p.nodes)));
  return Object.keys(sidecar.tasks)
    .filter((id) => !ids.has(id))
    .map((id) => ({
      severity: 'error' as const,
      rule: 'pipelane/sidecar',
      file: sidecar.file,
      element: id,
      message: `tasks.${id} configures an element that ${model.file} does not have.`,
      fix: `Use the id of a task of ${model.file} (ids: ${[...ids].slice(0, 8).join(', ')}${ids.size > 8 ? ', …' : ''}).`,
    }));
}

/** Loads every model of a repository directory. */
export async function loadRepository(repoDir: string): Promise<ModelFile[]> {
  const files = await findModelFiles(repoDir);
  const out: ModelFile[] = [];
  for (const file of files) out.push(await loadModelFile(repoDir, file));
  return out;
}
