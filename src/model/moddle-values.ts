import type { ModdleElement } from 'bpmn-moddle';

/** Typed reads of the values moddle exposes as `unknown`, for the compiler. */

export function list(value: unknown): ModdleElement[] {
  return Array.isArray(value) ? (value as ModdleElement[]) : [];
}

/** A reference by id, whether moddle resolved it to an element or kept the id. */
export function ref(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  return (value as ModdleElement | undefined)?.id;
}

/** The trimmed text of an expression element. */
export function body(value: unknown): string | undefined {
  const text = (value as ModdleElement | undefined)?.body;
  return typeof text === 'string' ? text.trim() : undefined;
}

export function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

export function num(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value))) return Number(value);
  return undefined;
}

/** The extension element of a type (`camunda:InputOutput`, `zeebe:Subscription` …) of an element. */
export function extension(el: ModdleElement | undefined, type: string): ModdleElement | undefined {
  const ext = el?.extensionElements as ModdleElement | undefined;
  return list(ext?.values).find((v) => v.$type === type);
}

export function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}
