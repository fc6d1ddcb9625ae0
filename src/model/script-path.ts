/**
 * Checks on the text of a script path, before the file system is asked. Pure.
 *
 * A path is written relative to the directory of the file that names it (the
 * `.bpmn` for `camunda:resource`, the sidecar for `tasks.<id>.script`; they sit
 * side by side) and may use `..` as long as it stays inside the repository.
 */
import { posix } from 'node:path';

export type ScriptPathProblem = 'empty' | 'absolute' | 'url' | 'escapes';

export type ScriptPathCheck = { ok: true; path: string } | { ok: false; problem: ScriptPathProblem };

// Camunda 7 names deployment resources `deployment://x` or `classpath://x`;
// both mean "a file that was deployed with the model", here: of the repository.
const RESOURCE_SCHEMES = /^(deployment|classpath):\/\//i;

/**
 * `scripts/fetch.py` named by `churn/churn.bpmn` → `churn/scripts/fetch.py`.
 * `baseDir` is the repository-relative directory of the naming file (`''` at the root).
 */
export function repoPathOf(raw: string, baseDir: string): ScriptPathCheck {
  const text = raw.trim().replace(RESOURCE_SCHEMES, '').replace(/\\/g, '/');
  if (text === '') return { ok: false, problem: 'empty' };
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) return { ok: false, problem: 'url' };
  if (text.startsWith('/') || /^[A-Za-z]:/.test(text)) return { ok: false, problem: 'absolute' };
  const joined = posix.normalize(posix.join(baseDir.replace(/\\/g, '/'), text));
  if (joined === '..' || joined.startsWith('../')) return { ok: false, problem: 'escapes' };
  return { ok: true, path: joined };
}

/** What to tell the user about a refused path. */
export function describeScriptPathProblem(problem: ScriptPathProblem, raw: string): { message: string; fix: string } {
  switch (problem) {
    case 'empty':
      return { message: 'the script path is empty.', fix: 'Name a file of the repository, e.g. scripts/fetch.py.' };
    case 'url':
      return {
        message: `the script path "${raw}" is a URL; scripts are read from the repository only.`,
        fix: 'Commit the script to the repository and name it by a relative path.',
      };
    case 'absolute':
      return {
        message: `the script path "${raw}" is absolute; it must be a path inside the repository.`,
        fix: 'Write the path relative to the model file, e.g. scripts/fetch.py.',
      };
    case 'escapes':
      return {
        message: `the script path "${raw}" leaves the repository.`,
        fix: 'Move the script into the repository and name it relative to the model file, without leading "..".',
      };
  }
}
