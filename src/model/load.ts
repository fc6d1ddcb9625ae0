import { hasErrors, type Diagnostic } from './diagnostic.js';
import { compileModel } from './compile.js';
import { parseBpmn } from './parse.js';
import type { DeploymentModel } from './process-model.js';
import { validateModel } from './validate/index.js';

export type LoadResult =
  | { ok: true; model: DeploymentModel; diagnostics: Diagnostic[] }
  | { ok: false; diagnostics: Diagnostic[] };

/**
 * Reads, validates and compiles one BPMN file. A model with an error is
 * refused whole: the diagnostics say why; warnings come with a model.
 */
export async function loadBpmn(xml: string, file: string): Promise<LoadResult> {
  const parsed = await parseBpmn(xml, file);
  if (!parsed.ok) return parsed;
  const diagnostics = validateModel(parsed.parsed, parsed.diagnostics);
  if (hasErrors(diagnostics)) return { ok: false, diagnostics };
  return { ok: true, model: compileModel(parsed.parsed), diagnostics };
}
