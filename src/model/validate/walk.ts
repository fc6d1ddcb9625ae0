import type { ModdleElement } from 'bpmn-moddle';

/**
 * Traversal of the moddle tree and typed reads of its properties. Moddle
 * exposes every property as `unknown`; these helpers say what a rule expects
 * to find there, so the rules read like the specification.
 */

interface PropertyDescriptor {
  name: string;
  isReference?: boolean;
  isMany?: boolean;
  ns?: { localName: string };
  xml?: { serialize?: string };
}

/** True for objects moddle created from the XML (they carry a `$type`). */
export function isElement(value: unknown): value is ModdleElement {
  return typeof value === 'object' && value !== null && typeof (value as { $type?: unknown }).$type === 'string';
}

export function isA(element: ModdleElement | undefined, type: string): boolean {
  return element !== undefined && element.$instanceOf(type);
}

export function isAny(element: ModdleElement | undefined, types: readonly string[]): boolean {
  return element !== undefined && types.some((t) => element.$instanceOf(t));
}

function propertiesOf(element: ModdleElement): Record<string, PropertyDescriptor> {
  const descriptor = element.$descriptor as unknown as { propertiesByName?: Record<string, PropertyDescriptor> } | undefined;
  return descriptor?.propertiesByName ?? {};
}

/** The elements an element contains (not the ones it references), in XML order per property. */
export function childrenOf(element: ModdleElement): ModdleElement[] {
  const properties = propertiesOf(element);
  const children: ModdleElement[] = [];
  for (const key of Object.keys(element)) {
    if (key.startsWith('$') && key !== '$children') continue;
    if (properties[key]?.isReference) continue;
    const value = (element as Record<string, unknown>)[key];
    for (const item of Array.isArray(value) ? value : [value]) {
      if (isElement(item)) children.push(item);
    }
  }
  return children;
}

/** Every element below `root` (root included), depth first. */
export function descendantsOf(root: ModdleElement): ModdleElement[] {
  const out: ModdleElement[] = [];
  const stack: ModdleElement[] = [root];
  while (stack.length > 0) {
    const element = stack.pop()!;
    out.push(element);
    stack.push(...childrenOf(element).reverse());
  }
  return out;
}

export function ancestorsOf(element: ModdleElement): ModdleElement[] {
  const out: ModdleElement[] = [];
  for (let p = element.$parent; p !== undefined; p = p.$parent) out.push(p);
  return out;
}

/** The nearest ancestor of one of the given types. */
export function ancestorOfType(element: ModdleElement, types: readonly string[]): ModdleElement | undefined {
  return ancestorsOf(element).find((a) => isAny(a, types));
}

/** The process (or sub-process, or other flow elements container) that directly holds a flow element. */
export function containerOf(element: ModdleElement): ModdleElement | undefined {
  return ancestorOfType(element, ['bpmn:FlowElementsContainer', 'bpmn:Choreography']);
}

/** The top-level process an element belongs to, if any. */
export function processOf(element: ModdleElement): ModdleElement | undefined {
  return [element, ...ancestorsOf(element)].find((a) => isA(a, 'bpmn:Process'));
}

/** Whether the element sits in a process marked `isExecutable="true"`. */
export function inExecutableProcess(element: ModdleElement): boolean {
  return processOf(element)?.['isExecutable'] === true;
}

/** A single-valued reference or child, if it is set. */
export function one(element: ModdleElement, property: string): ModdleElement | undefined {
  const value = (element as Record<string, unknown>)[property];
  return isElement(value) ? value : undefined;
}

/** A many-valued reference or child list (empty when absent). */
export function many(element: ModdleElement, property: string): ModdleElement[] {
  const value = (element as Record<string, unknown>)[property];
  return Array.isArray(value) ? value.filter(isElement) : [];
}

export function text(element: ModdleElement, property: string): string | undefined {
  const value = (element as Record<string, unknown>)[property];
  return typeof value === 'string' ? value : undefined;
}

/** A boolean attribute as written in the XML (`undefined` when absent, whatever the default). */
export function flag(element: ModdleElement, property: string): boolean | undefined {
  const value = (element as Record<string, unknown>)[property];
  return typeof value === 'boolean' ? value : undefined;
}

export function numeric(element: ModdleElement, property: string): number | undefined {
  const value = (element as Record<string, unknown>)[property];
  return typeof value === 'number' ? value : undefined;
}

/**
 * The XML tag of an element as the user wrote it, without prefix: `bpmn:StartEvent` → `startEvent`.
 * Some properties are written under their own name whatever the element's type
 * (`<conditionExpression xsi:type="tFormalExpression">`, `<ioBinding>`).
 */
export function tagOf(element: ModdleElement): string {
  const parent = element.$parent;
  if (parent !== undefined) {
    for (const property of Object.values(propertiesOf(parent))) {
      const serialize = property.xml?.serialize;
      if (serialize !== 'xsi:type' && serialize !== 'property') continue;
      const value = (parent as Record<string, unknown>)[property.name];
      if (value === element || (Array.isArray(value) && value.includes(element))) return property.ns?.localName ?? property.name;
    }
  }
  const local = element.$type.split(':').pop() ?? element.$type;
  return local.charAt(0).toLowerCase() + local.slice(1);
}

/** How a diagnostic names an element: its id, or `<tag>` when it has none. */
export function labelOf(element: ModdleElement): string {
  return element.id ?? `<${tagOf(element)}>`;
}

/** The element's kind in the user's words: `bpmn:ExclusiveGateway` → `exclusive gateway`. */
export function kindOf(element: ModdleElement): string {
  if (isA(element, 'bpmn:SubProcess') && element['triggeredByEvent'] === true) return 'event sub-process';
  const local = element.$type.split(':').pop() ?? element.$type;
  return local
    .replace(/SubProcess$/, 'Sub-Process')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase();
}

/** `kindOf` with the element's id, for naming another element in a message: `task "Task_1"`. */
export function nameOf(element: ModdleElement): string {
  return element.id === undefined ? kindOf(element) : `${kindOf(element)} "${element.id}"`;
}
