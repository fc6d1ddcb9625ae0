import { hasErrors, internalError, type Diagnostic } from './diagnostic.js';
import { compileModel } from './compile.js';
import { parseBpmn } from './parse.js';
import type { DeploymentModel } from './process-model.js';
import { validateModel } from './validate/index.js';

export type LoadResult =
  | { ok: true; model: DeploymentModel; diagnostics: Diagnostic[] }
  | { ok: false; diagnostics: Diagnostic[] };

/**
 * Reads, validates and compiles one BPMN file. A model with an error is
 * refused whole: the diagnostics say why; warnings come with a model. A
 * failure of Pipelane's own code on the file is refused the same way, as a
 * diagnostic naming the file, rather than crashing whoever loads it.
 */
export async function loadBpmn(xml: string, file: string): Promise<LoadResult> {
  const parsed = await parseBpmn(xml, file);
  if (!parsed.ok) return parsed;
  let diagnostics: Diagnostic[];
  try {
    diagnostics = validateModel(parsed.parsed, parsed.diagnostics);
  } catch (err) {
    return { ok: false, diagnostics: [...parsed.diagnostics, internalError(file, 'validated', err)] };
  }
  if (hasErrors(diagnostics)) return { ok: false, diagnostics };
  try {
    return { ok: true, model: compileModel(parsed.parsed), diagnostics };
  } catch (err) {
    return { ok: false, diagnostics: [...diagnostics, internalError(file, 'compiled', err)] };
  }
}
