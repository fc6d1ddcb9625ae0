import type { FromXmlResult, ModdleElement } from 'bpmn-moddle';
import type { Diagnostic } from './diagnostic.js';
import { createModdle } from './moddle.js';

/** The moddle tree of one `.bpmn` file, before it is validated and compiled. */
export interface ParsedBpmn {
  file: string;
  xml: string;
  definitions: ModdleElement;
  elementsById: Readonly<Record<string, ModdleElement>>;
  references: FromXmlResult['references'];
}

export type ParseResult =
  | { ok: true; parsed: ParsedBpmn; diagnostics: Diagnostic[] }
  | { ok: false; diagnostics: Diagnostic[] };

let moddle: ReturnType<typeof createModdle> | undefined;

/**
 * Reads BPMN XML into a moddle tree. Malformed XML is an error; elements the
 * descriptors do not know are warnings (the model still loads); references to
 * ids that do not exist are errors of rule REF.
 */
export async function parseBpmn(xml: string, file: string): Promise<ParseResult> {
  moddle ??= createModdle();
  let result: FromXmlResult;
  try {
    result = await moddle.fromXML(xml, 'bpmn:Definitions');
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return {
      ok: false,
      diagnostics: [
        {
          severity: 'error',
          rule: 'XML',
          file,
          line: lineOf(message),
          message: `the file is not a BPMN 2.0 XML document: ${firstLine(message)}.`,
          fix: 'Fix the XML syntax (an editor such as Camunda Modeler or bpmn.io shows where) and make the root element bpmn:definitions.',
        },
      ],
    };
  }
  const diagnostics = result.warnings.flatMap((w) => warningToDiagnostic(w.message, file, w.element, w.property));
  return {
    ok: true,
    parsed: {
      file,
      xml,
      definitions: result.rootElement,
      elementsById: result.elementsById,
      references: result.references,
    },
    diagnostics,
  };
}

/** A structureRef names a data type, often one defined outside the file (xsd:string): not an error. */
const EXTERNAL_REFERENCES = new Set(['bpmn:structureRef']);

function warningToDiagnostic(message: string, file: string, element: ModdleElement | undefined, property: string | undefined): Diagnostic[] {
  if (message.startsWith('unsupported document encoding')) return [];
  const unresolved = /^unresolved reference <([^>]*)>/.exec(message);
  if (unresolved) {
    return [
      {
        severity: property && EXTERNAL_REFERENCES.has(property) ? 'warning' : 'error',
        rule: 'REF',
        file,
        element: element?.id ?? unresolved[1],
        message: `the reference to "${unresolved[1]}" points to no element of this file.`,
        fix: `Add an element with id "${unresolved[1]}" or correct the reference.`,
      },
    ];
  }
  const unknown = /^unparsable content <([^>]*)> detected/.exec(message) ?? /^unknown type <([^>]*)>/.exec(message);
  const tag = unknown?.[1] ?? 'element';
  return [
    {
      severity: 'warning',
      rule: 'pipelane/unknown-element',
      file,
      element: element?.id ?? `<${tag}>`,
      line: lineOf(message),
      message: `<${tag}> is not part of BPMN 2.0 or a known extension and is ignored (${firstLine(nestedError(message))}).`,
      fix: 'Remove the element, or check its namespace if it should be a BPMN element.',
    },
  ];
}

function lineOf(message: string): number | undefined {
  const m = /line: (\d+)/.exec(message);
  return m ? Number(m[1]) + 1 : undefined;
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.trim();
}

function nestedError(message: string): string {
  const m = /nested error: (.*)/.exec(message);
  return m ? m[1]! : message;
}
