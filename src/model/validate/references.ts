import type { ModdleElement } from 'bpmn-moddle';
import type { RuleContext } from './context.js';
import { isElement, kindOf, nameOf } from './walk.js';

/**
 * REF: a reference must point to an element of the kind the specification
 * names for it (a sequence flow's sourceRef to a flow node, an inputSet's
 * dataInputRefs to data inputs, …). References that point nowhere are found
 * by the parser. In the diagram (BPMN DI) a wrong reference is a warning: some
 * modelers point edges at the semantic elements instead of their shapes.
 */

interface ReferenceProperty {
  name: string;
  type: string;
  isReference?: boolean;
  ns?: { prefix: string; localName: string };
}

const CHECKED_NAMESPACES = new Set(['bpmn', 'bpmndi']);

/**
 * Where the specification is wider than the moddle metamodel: a message flow
 * may connect any activity, and an ioBinding binds data inputs and outputs.
 */
const ALSO_ALLOWED: Readonly<Record<string, readonly string[]>> = {
  'bpmn:MessageFlow#sourceRef': ['bpmn:Activity'],
  'bpmn:MessageFlow#targetRef': ['bpmn:Activity'],
  // The metamodel types these as sets; the specification's text and schema bind data inputs and outputs.
  'bpmn:InputOutputBinding#inputDataRef': ['bpmn:DataInput'],
  'bpmn:InputOutputBinding#outputDataRef': ['bpmn:DataOutput'],
};

export function checkReferences(ctx: RuleContext): void {
  for (const element of ctx.elements) {
    for (const property of referencePropertiesOf(element)) {
      const value = (element as Record<string, unknown>)[property.name];
      const targets = (Array.isArray(value) ? value : [value]).filter(isElement);
      const allowed = [property.type, ...(ALSO_ALLOWED[`${element.$type}#${property.name}`] ?? [])];
      for (const target of targets) {
        if (allowed.some((type) => target.$instanceOf(type))) continue;
        const expected = words(property.type);
        const diagram = property.ns?.prefix === 'bpmndi';
        ctx.report({
          rule: 'REF',
          // A wrong reference in the diagram only misdraws the model; Pipelane can still run it.
          severity: diagram ? 'warning' : 'error',
          element,
          message: `the ${property.name} of the ${kindOf(element)} points to ${nameOf(target)}, but it must point to ${article(expected)} ${expected}.`,
          fix: `Change ${property.name} to the id of ${article(expected)} ${expected}.`,
        });
      }
    }
  }
}

function referencePropertiesOf(element: ModdleElement): ReferenceProperty[] {
  const descriptor = element.$descriptor as unknown as { properties?: ReferenceProperty[] } | undefined;
  return (descriptor?.properties ?? []).filter(
    (p) => p.isReference === true && CHECKED_NAMESPACES.has(p.ns?.prefix ?? '') && p.type.includes(':'),
  );
}

function words(type: string): string {
  const local = type.split(':').pop() ?? type;
  return local.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}

function article(noun: string): string {
  return /^[aeiou]/.test(noun) ? 'an' : 'a';
}
