/**
 * Where a script task's script comes from and what language it is in: the
 * sidecar's `tasks.<id>.script`, else `camunda:resource`, else the inline
 * body. Files are checked on disk: they must exist and stay inside the
 * repository, symlinks included. This module reads the file system; the pure
 * parts are script-language.ts and script-path.ts.
 */
import { realpath, stat } from 'node:fs/promises';
import { isAbsolute, posix, relative, resolve, sep } from 'node:path';
import type { Diagnostic } from '../model/diagnostic.js';
import { type ScriptLanguage, scriptLanguageOf, scriptLanguageOfPath } from '../model/script-language.js';
import { describeScriptPathProblem, repoPathOf } from '../model/script-path.js';

/** What the BPMN says about a script task (structurally the compiled model's ScriptSpec). */
export interface ScriptTaskSource {
  format?: string;
  body?: string;
  resource?: string;
}

export interface ScriptSourceInput {
  elementId: string;
  /** Repository-relative path of the `.bpmn` file. */
  bpmnFile: string;
  spec: ScriptTaskSource;
  /** `tasks.<elementId>.script` of the sidecar, and the sidecar's repository-relative path. */
  sidecar?: { file: string; script?: string | undefined };
}

export interface ResolvedScript {
  language: ScriptLanguage;
  /** `path` is repository-relative and canonical (symlinks inside the repository resolved). */
  script: { inline: string } | { path: string };
}

export type ScriptSourceResult =
  | { ok: true; value: ResolvedScript; diagnostics: Diagnostic[] }
  | { ok: false; diagnostics: Diagnostic[] };

/** Resolves and checks the script of one task against the repository checked out at `repoDir`. */
export async function resolveScriptSource(repoDir: string, input: ScriptSourceInput): Promise<ScriptSourceResult> {
  const { elementId, spec } = input;
  const diagnostics: Diagnostic[] = [];
  const named = namedPath(input);
  if (named && spec.body?.trim() && named.file === input.sidecar?.file) {
    diagnostics.push({
      severity: 'warning',
      rule: 'pipelane/script-source',
      file: named.file,
      element: elementId,
      message: `task ${elementId} has an inline script and tasks.${elementId}.script "${named.raw}"; the file is run.`,
      fix: 'Delete the inline script in the modeler, or the script entry of the sidecar.',
    });
  }

  let script: ResolvedScript['script'];
  if (named) {
    const checked = await checkScriptPath(repoDir, named.raw, named.file, elementId);
    if (!checked.ok) return { ok: false, diagnostics: [...diagnostics, checked.diagnostic] };
    script = { path: checked.path };
  } else if (spec.body?.trim()) {
    script = { inline: spec.body };
  } else {
    return {
      ok: false,
      diagnostics: [
        {
          severity: 'error',
          rule: 'pipelane/script-source',
          file: input.bpmnFile,
          element: elementId,
          message: `script task ${elementId} has no script.`,
          fix: `Write the script in the modeler, name a file with camunda:resource, or set tasks.${elementId}.script in the sidecar.`,
        },
      ],
    };
  }

  const language = languageOf(spec.format, 'path' in script ? script.path : undefined);
  if (!language) {
    return {
      ok: false,
      diagnostics: [
        ...diagnostics,
        {
          severity: 'error',
          rule: 'pipelane/script-format',
          file: input.bpmnFile,
          element: elementId,
          message:
            spec.format === undefined
              ? `script task ${elementId} names no scriptFormat.`
              : `script task ${elementId} has scriptFormat "${spec.format}", which Pipelane cannot run.`,
          fix: 'Set scriptFormat to python, r or bash.',
        },
      ],
    };
  }
  return { ok: true, value: { language, script }, diagnostics };
}

function namedPath(input: ScriptSourceInput): { raw: string; file: string } | undefined {
  const fromSidecar = input.sidecar?.script;
  if (input.sidecar && fromSidecar !== undefined) return { raw: fromSidecar, file: input.sidecar.file };
  if (input.spec.resource !== undefined) return { raw: input.spec.resource, file: input.bpmnFile };
  return undefined;
}

function languageOf(format: string | undefined, path: string | undefined): ScriptLanguage | undefined {
  if (format !== undefined && format.trim() !== '') return scriptLanguageOf(format);
  return path === undefined ? undefined : scriptLanguageOfPath(path);
}

type PathCheck = { ok: true; path: string } | { ok: false; diagnostic: Diagnostic };

/**
 * A script path named in `file` must name a regular file whose real path (after
 * symlinks) is inside the repository. Returns the canonical repository-relative path.
 */
export async function checkScriptPath(repoDir: string, raw: string, file: string, elementId: string): Promise<PathCheck> {
  const refuse = (message: string, fix: string): PathCheck => ({
    ok: false,
    diagnostic: { severity: 'error', rule: 'pipelane/script-path', file, element: elementId, message, fix },
  });
  const checked = repoPathOf(raw, posix.dirname(file.replace(/\\/g, '/')));
  if (!checked.ok) {
    const { message, fix } = describeScriptPathProblem(checked.problem, raw);
    return refuse(`task ${elementId}: ${message}`, fix);
  }
  const realRepo = await realpath(repoDir);
  let realTarget: string;
  try {
    realTarget = await realpath(resolve(realRepo, checked.path));
  } catch {
    return refuse(
      `task ${elementId}: the script "${raw}" (${checked.path}) does not exist in the repository.`,
      'Commit the script, or correct the path (it is relative to the file that names it).',
    );
  }
  const inside = relative(realRepo, realTarget);
  if (inside === '..' || inside.startsWith(`..${sep}`) || isAbsolute(inside)) {
    return refuse(
      `task ${elementId}: the script "${raw}" (${checked.path}) is a symlink that leaves the repository.`,
      'Replace the symlink by the script itself, committed to the repository.',
    );
  }
  if (!(await stat(realTarget)).isFile()) {
    return refuse(
      `task ${elementId}: the script "${raw}" (${checked.path}) is not a file.`,
      'Name the script file itself, not a directory.',
    );
  }
  return { ok: true, path: inside.split(sep).join('/') };
}
