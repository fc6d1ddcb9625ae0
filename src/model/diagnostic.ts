import { PipelaneError } from '../errors.js';

/**
 * A finding about a model file. Every diagnostic names the file, the element
 * (by id when it has one), the rule it breaks and what to do about it.
 *
 * Rules of the BPMN 2.0 specification carry the BPMNspector code of the
 * constraint (`EXT002`, `REF`, `XSD`); Pipelane's own rules are `pipelane/…`.
 */
export type Severity = 'error' | 'warning';

export interface Diagnostic {
  severity: Severity;
  rule: string;
  file: string;
  /** The element's id, or `<tag>` (with its line) when the element has no id. */
  element?: string;
  line?: number;
  message: string;
  fix: string;
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

export function formatDiagnostic(d: Diagnostic): string {
  const where = d.line === undefined ? d.file : `${d.file}:${d.line}`;
  const element = d.element === undefined ? '' : ` ${d.element}`;
  return `${where}${element}: ${d.severity} ${d.rule}: ${d.message} Fix: ${d.fix}`;
}

/** A failure of Pipelane's own code on a file (`stage`: what it was doing), as an error diagnostic instead of a crash. */
export function internalError(file: string, stage: string, err: unknown): Diagnostic {
  const element = err instanceof PipelaneError ? err.elementId : undefined;
  return {
    severity: 'error',
    rule: 'pipelane/internal',
    file,
    ...(element !== undefined ? { element } : {}),
    message: `the model could not be ${stage}: ${err instanceof Error ? err.message : String(err)}.`,
    fix: 'This is a fault of Pipelane, not necessarily of the model: report it with the file. Changing the element named may work around it.',
  };
}
