import { formatDiagnostic, type Diagnostic } from '../model/diagnostic.js';

export type DiagnosticFormat = 'text' | 'json' | 'github';

/** Diagnostics as a person (text), a program (json) or a GitHub workflow (annotations) reads them. */
export function formatDiagnostics(diagnostics: readonly Diagnostic[], format: DiagnosticFormat): string {
  switch (format) {
    case 'json':
      return JSON.stringify(diagnostics, null, 2);
    case 'github':
      return diagnostics.map(annotation).join('\n');
    case 'text':
      return diagnostics.map(formatDiagnostic).join('\n');
  }
}

/** A workflow command: `::error file=…,line=…,title=…::message` (properties and message escaped). */
function annotation(d: Diagnostic): string {
  const level = d.severity === 'error' ? 'error' : 'warning';
  const props = [`file=${escapeProperty(d.file)}`];
  if (d.line !== undefined) props.push(`line=${d.line}`);
  props.push(`title=${escapeProperty(`${d.rule}${d.element ? ` ${d.element}` : ''}`)}`);
  return `::${level} ${props.join(',')}::${escapeData(`${d.message} Fix: ${d.fix}`)}`;
}

function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
