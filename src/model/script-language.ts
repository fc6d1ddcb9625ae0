/**
 * The languages a script task can be written in, and how `scriptFormat` names
 * them. Pure.
 */
export type ScriptLanguage = 'python' | 'r' | 'bash';

export const SCRIPT_LANGUAGES: readonly ScriptLanguage[] = ['python', 'r', 'bash'];

// Names seen in the wild: plain names, file extensions, interpreter names and
// MIME types (Camunda Modeler offers `text/x-python` style values).
const NAMES: Record<string, ScriptLanguage> = {
  python: 'python',
  python3: 'python',
  py: 'python',
  r: 'r',
  rscript: 'r',
  bash: 'bash',
  sh: 'bash',
  shell: 'bash',
  shellscript: 'bash',
};

/** `text/x-python`, `Python`, `R`, `application/x-sh` → the language; undefined when unknown. */
export function scriptLanguageOf(scriptFormat: string): ScriptLanguage | undefined {
  let name = scriptFormat.trim().toLowerCase();
  const slash = name.lastIndexOf('/');
  if (slash >= 0) name = name.slice(slash + 1);
  name = name.replace(/^x-/, '').replace(/;.*$/, '').trim();
  return NAMES[name];
}

/** The language a file's extension suggests: `fetch.py` → python, `train.R` → r. */
export function scriptLanguageOfPath(path: string): ScriptLanguage | undefined {
  const match = /\.([A-Za-z]+)$/.exec(path);
  if (!match) return undefined;
  return { py: 'python', r: 'r', sh: 'bash', bash: 'bash' }[match[1]!.toLowerCase()] as ScriptLanguage | undefined;
}
