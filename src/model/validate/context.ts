import type { ModdleElement } from 'bpmn-moddle';
import type { Diagnostic, Severity } from '../diagnostic.js';
import type { ParsedBpmn } from '../parse.js';
import { findBelow, outlineOf, type SourceOutline, type SourceTag } from './source.js';
import { ancestorsOf, childrenOf, descendantsOf, labelOf, one, tagOf } from './walk.js';

/** One rule violation, before it becomes a diagnostic. */
export interface Finding {
  /** The BPMNspector constraint code (`EXT023`, `REF`) or a `pipelane/…` rule. */
  rule: string;
  /** The offending element. */
  element: ModdleElement;
  /** What is wrong, in the user's words, as a sentence. */
  message: string;
  /** What to do about it, as a sentence. */
  fix: string;
  severity?: Severity;
}

/** What every rule module gets: the model, the XML as written, and a place to report. */
export interface RuleContext {
  readonly file: string;
  readonly parsed: ParsedBpmn;
  readonly definitions: ModdleElement;
  /** Every element of the file, depth first. */
  readonly elements: readonly ModdleElement[];
  readonly source: SourceOutline;
  /** Every element that is an instance of `type` (e.g. `bpmn:Activity`). */
  all(type: string): readonly ModdleElement[];
  byId(id: string): ModdleElement | undefined;
  report(finding: Finding): void;
  /** The start tag an element was read from, when it can be found. */
  tagOf(element: ModdleElement): SourceTag | undefined;
  /** The sequence flows whose sourceRef is the node (whatever the node lists). */
  flowsFrom(node: ModdleElement): readonly ModdleElement[];
  /** The sequence flows whose targetRef is the node (whatever the node lists). */
  flowsTo(node: ModdleElement): readonly ModdleElement[];
}

export function createContext(parsed: ParsedBpmn, diagnostics: Diagnostic[]): RuleContext {
  const elements = descendantsOf(parsed.definitions);
  const source = outlineOf(parsed.xml);
  const cache = new Map<string, readonly ModdleElement[]>();
  const from = new Map<ModdleElement, ModdleElement[]>();
  const to = new Map<ModdleElement, ModdleElement[]>();
  for (const flow of elements.filter((e) => e.$instanceOf('bpmn:SequenceFlow'))) {
    const source = one(flow, 'sourceRef');
    const target = one(flow, 'targetRef');
    if (source) from.set(source, [...(from.get(source) ?? []), flow]);
    if (target) to.set(target, [...(to.get(target) ?? []), flow]);
  }

  /**
   * An element with an id is found by it. One without is found from its nearest ancestor with an id,
   * following the tags down (the n-th <inputSet> of the n-th …), or else the first tag of its name.
   */
  function sourceTagOf(element: ModdleElement): SourceTag | undefined {
    if (element.id !== undefined) return source.byId.get(element.id)?.[0];
    const path: ModdleElement[] = [element];
    for (const ancestor of ancestorsOf(element)) {
      if (ancestor.id !== undefined) break;
      path.unshift(ancestor);
    }
    const anchor = path[0]?.$parent;
    const anchorTag = anchor?.id === undefined ? source.tags[0] : source.byId.get(anchor.id)?.[0];
    if (anchorTag === undefined) return undefined;
    let tag: SourceTag | undefined = anchorTag;
    for (const step of path) {
      const name = tagOf(step);
      const siblings = step.$parent === undefined ? [] : childrenOf(step.$parent).filter((c) => tagOf(c) === name);
      tag = tag?.children.filter((c) => c.local === name)[siblings.indexOf(step)];
    }
    return tag ?? findBelow(anchorTag, tagOf(element));
  }

  return {
    file: parsed.file,
    parsed,
    definitions: parsed.definitions,
    elements,
    source,
    all(type) {
      let found = cache.get(type);
      if (found === undefined) {
        found = elements.filter((e) => e.$instanceOf(type));
        cache.set(type, found);
      }
      return found;
    },
    byId(id) {
      return parsed.elementsById[id];
    },
    report(finding) {
      const line = sourceTagOf(finding.element)?.line;
      diagnostics.push({
        severity: finding.severity ?? 'error',
        rule: finding.rule,
        file: parsed.file,
        element: labelOf(finding.element),
        ...(line === undefined ? {} : { line }),
        message: finding.message,
        fix: finding.fix,
      });
    },
    tagOf: sourceTagOf,
    flowsFrom: (node) => from.get(node) ?? [],
    flowsTo: (node) => to.get(node) ?? [],
  };
}
