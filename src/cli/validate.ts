import { stat } from 'node:fs/promises';
import { dirname, relative, resolve, sep } from 'node:path';
import { findModelFiles, loadModelFile } from '../gitops/discover.js';
import { hasErrors, type Diagnostic } from '../model/diagnostic.js';
import { formatDiagnostics, type DiagnosticFormat } from './diagnostics-format.js';

export interface ValidateOptions {
  format: DiagnosticFormat;
  /** The repository root script paths are resolved against; default: the current directory. */
  repo?: string;
}

/** `pipelane validate [paths…]`: exit 0 when the models are clean, 1 on any error. */
export async function validateCommand(paths: string[], options: ValidateOptions, out: (text: string) => void): Promise<number> {
  const repoDir = resolve(options.repo ?? '.');
  const diagnostics: Diagnostic[] = [];
  let models = 0;
  for (const path of paths.length > 0 ? paths : ['.']) {
    const absolute = resolve(path);
    const info = await stat(absolute).catch(() => undefined);
    if (!info) {
      diagnostics.push({ severity: 'error', rule: 'pipelane/file', file: path, message: `${path} does not exist.`, fix: 'Check the path.' });
      continue;
    }
    const root = absolute === repoDir || absolute.startsWith(repoDir + sep) ? repoDir : info.isDirectory() ? absolute : dirname(absolute);
    const files = info.isDirectory() ? (await findModelFiles(absolute)).map((f) => resolve(absolute, f)) : [absolute];
    for (const file of files) {
      models += 1;
      diagnostics.push(...(await loadModelFile(root, relative(root, file).split(sep).join('/'))).diagnostics);
    }
  }
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  if (options.format === 'json') out(formatDiagnostics(diagnostics, 'json'));
  else {
    if (diagnostics.length > 0) out(formatDiagnostics(diagnostics, options.format));
    if (options.format === 'text') out(`${models} model${models === 1 ? '' : 's'} checked: ${errors} error${errors === 1 ? '' : 's'}, ${diagnostics.length - errors} warning${diagnostics.length - errors === 1 ? '' : 's'}.`);
  }
  return hasErrors(diagnostics) ? 1 : 0;
}
