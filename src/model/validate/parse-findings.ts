import type { ModdleReference } from 'bpmn-moddle';
import type { Diagnostic } from '../diagnostic.js';
import type { ParsedBpmn } from '../parse.js';
import { text } from './walk.js';

/**
 * The parser reports what moddle could not read in moddle's words. Some of
 * those are violations of named rules (a duplicate id is EXT002, a property
 * outside a process is EXT078) and some unresolved references are not errors
 * of this file (they point into an imported namespace, or name a data type
 * where an item definition is expected).
 */
export function reinterpretParseDiagnostics(parsed: ParsedBpmn, diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return diagnostics.map((d) => duplicateId(d) ?? misplacedProperty(d) ?? unresolvedReference(parsed, d) ?? d);
}

function duplicateId(d: Diagnostic): Diagnostic | undefined {
  const id = /duplicate ID <([^>]*)>/.exec(d.message)?.[1];
  if (id === undefined) return undefined;
  return {
    ...d,
    severity: 'error',
    rule: 'EXT002',
    element: id,
    message: `the id "${id}" is used by more than one element; the second one is ignored.`,
    fix: `Give every element its own id: rename one of the elements with id "${id}" and update the references to it.`,
  };
}

function misplacedProperty(d: Diagnostic): Diagnostic | undefined {
  if (!/unrecognized element <[\w.-]+:property>/.test(d.message)) return undefined;
  return {
    ...d,
    severity: 'error',
    rule: 'EXT078',
    message: 'a property is declared outside a process, an activity or an event, where BPMN does not allow it; it is ignored.',
    fix: 'Move the <property> into the process, activity or event whose data it describes.',
  };
}

/** Names of XML Schema built-in types that modelers write where an item definition is expected. */
const DATA_TYPE_NAMES = new Set(
  ['string', 'boolean', 'int', 'integer', 'long', 'short', 'double', 'float', 'decimal', 'date', 'datetime', 'time', 'duration', 'anyuri', 'anytype', 'object', 'number'],
);

function unresolvedReference(parsed: ParsedBpmn, d: Diagnostic): Diagnostic | undefined {
  if (d.rule !== 'REF') return undefined;
  const value = /^the reference to "([^"]*)"/.exec(d.message)?.[1];
  if (value === undefined) return undefined;
  const reference = parsed.references.find((r) => r.id === value && (r.element.id ?? value) === d.element);
  if (reference?.element.$type.startsWith('bpmndi:')) {
    return {
      ...d,
      severity: 'warning',
      message: `the diagram refers to "${value}", which is not an element of this file; that shape or edge is not drawn.`,
      fix: `Remove the diagram element for "${value}", or restore the model element it shows.`,
    };
  }
  const prefix = value.includes(':') ? value.slice(0, value.indexOf(':')) : undefined;
  const local = value.slice(value.indexOf(':') + 1);
  if (prefix !== undefined) {
    const namespace = parsed.definitions.$attrs[`xmlns:${prefix}`];
    const targetNamespace = text(parsed.definitions, 'targetNamespace');
    if (namespace !== undefined && namespace !== targetNamespace) {
      return {
        ...d,
        severity: 'warning',
        rule: 'pipelane/external-reference',
        message: `the reference to "${value}" points into the namespace ${namespace}, outside this file; it is not checked.`,
        fix: 'Nothing to do if the namespace is imported on purpose; otherwise refer to an element of this file by its id.',
      };
    }
    if (namespace !== undefined && parsed.elementsById[local] !== undefined) {
      return {
        ...d,
        severity: 'warning',
        rule: 'pipelane/qualified-reference',
        message: `the reference "${value}" names "${local}" of this file with a namespace prefix, which the loader does not follow.`,
        fix: `Write the reference as "${local}", without the prefix.`,
      };
    }
  }
  if (reference !== undefined && expectsItemDefinition(reference) && DATA_TYPE_NAMES.has(local.toLowerCase())) {
    return {
      ...d,
      severity: 'warning',
      rule: 'pipelane/data-type-reference',
      message: `"${value}" names a data type where the id of an <itemDefinition> is expected; it is ignored.`,
      fix: `Declare <itemDefinition id="…" structureRef="${value}"/> and refer to its id.`,
    };
  }
  return undefined;
}

function expectsItemDefinition(reference: ModdleReference): boolean {
  const property = reference.property.split(':').pop();
  return property === 'structureRef' || property === 'itemRef' || property === 'itemSubjectRef' || property === 'evaluatesToTypeRef';
}
