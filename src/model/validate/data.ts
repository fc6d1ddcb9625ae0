import type { ModdleElement } from 'bpmn-moddle';
import type { RuleContext } from './context.js';
import { isA, kindOf, many, nameOf, one, text } from './walk.js';

/** Data: item definitions, data objects, inputs and outputs, and the sets that group them. */
export function checkData(ctx: RuleContext): void {
  checkCollectionFlags(ctx);
  checkLoopDataItems(ctx);
  checkStateNames(ctx);
  checkProcessOutputsAreNotRead(ctx);
  checkSetMembership(ctx);
  checkSetSubsets(ctx);
  checkSetPairs(ctx);
  checkAssociationSources(ctx);
}

/** The item definition of an item-aware element (through its data object for a reference). */
export function itemOf(element: ModdleElement): ModdleElement | undefined {
  const own = one(element, 'itemSubjectRef');
  if (own !== undefined) return own;
  const target = one(element, 'dataObjectRef') ?? one(element, 'dataStoreRef');
  return target === undefined ? undefined : one(target, 'itemSubjectRef');
}

/** Two item definitions describe the same data: the same definition, or the same structure. */
export function sameItem(a: ModdleElement | undefined, b: ModdleElement | undefined): boolean {
  if (a === undefined || b === undefined) return false;
  if (a === b) return true;
  const structure = text(a, 'structureRef');
  return structure !== undefined && structure === text(b, 'structureRef');
}

function isCollection(element: ModdleElement): boolean {
  return element['isCollection'] === true;
}

/**
 * EXT020 (and EXT077 for data objects, EXT081 for data inputs): an element whose item definition is a
 * collection is a collection too. The other way round is read as "a collection of these items", as
 * modelers such as Trisotech write it, and accepted.
 */
function checkCollectionFlags(ctx: RuleContext): void {
  for (const type of ['bpmn:DataObject', 'bpmn:DataInput', 'bpmn:DataOutput']) {
    for (const element of ctx.all(type)) {
      const item = one(element, 'itemSubjectRef');
      if (item === undefined || !isCollection(item) || isCollection(element)) continue;
      const rules = ['EXT020', ...(isA(element, 'bpmn:DataObject') ? ['EXT077'] : []), ...(isA(element, 'bpmn:DataInput') ? ['EXT081'] : [])];
      for (const rule of rules) {
        ctx.report({
          rule,
          element,
          message: `the ${kindOf(element)} is not marked as a collection, but its item definition "${item.id}" is a collection.`,
          fix: `Set isCollection="true" on the ${kindOf(element)}, or refer to an item definition that is not a collection.`,
        });
      }
    }
  }
}

/** EXT069, EXT070: a multi-instance data item holds one element of the collection it iterates. */
function checkLoopDataItems(ctx: RuleContext): void {
  for (const loop of ctx.all('bpmn:MultiInstanceLoopCharacteristics')) {
    for (const [collectionProperty, itemProperty, rule] of [
      ['loopDataOutputRef', 'outputDataItem', 'EXT069'],
      ['loopDataInputRef', 'inputDataItem', 'EXT070'],
    ] as const) {
      const collection = one(loop, collectionProperty);
      const element = one(loop, itemProperty);
      if (collection === undefined || element === undefined) continue;
      const collectionItem = itemOf(collection);
      const elementItem = itemOf(element);
      if (collectionItem === undefined || elementItem === undefined) continue;
      const scalar = !isCollection(elementItem) && (text(collectionItem, 'structureRef') ?? '') === (text(elementItem, 'structureRef') ?? '');
      if (scalar) continue;
      const activity = loop.$parent ?? loop;
      ctx.report({
        rule,
        element: activity,
        message: `the ${itemProperty} of the multi-instance ${kindOf(activity)} has item definition "${elementItem.id}", which is not a single element of the collection "${collection.id}" ("${collectionItem.id}").`,
        fix: `Give the ${itemProperty} an item definition with isCollection="false" and the same structureRef as "${collectionItem.id}".`,
      });
    }
  }
}

/** EXT076: a data object reference with a state is named "object name [state]". */
function checkStateNames(ctx: RuleContext): void {
  for (const reference of ctx.all('bpmn:DataObjectReference')) {
    const name = text(reference, 'name');
    const state = one(reference, 'dataState');
    const object = one(reference, 'dataObjectRef');
    if (name === undefined || state === undefined || object === undefined) continue;
    const expected = `${text(object, 'name') ?? ''} [${text(state, 'name') ?? ''}]`;
    if (name === expected) continue;
    ctx.report({
      rule: 'EXT076',
      element: reference,
      message: `the data object reference is named "${name}", but a reference with a state is named after its data object and state: "${expected}".`,
      fix: `Rename the data object reference to "${expected}".`,
    });
  }
}

/** EXT082: the data outputs of a process are written by the process, never read inside it. */
function checkProcessOutputsAreNotRead(ctx: RuleContext): void {
  for (const association of ctx.all('bpmn:DataAssociation')) {
    for (const source of many(association, 'sourceRef')) {
      const spec = source.$parent;
      if (!isA(source, 'bpmn:DataOutput') || !isA(spec, 'bpmn:InputOutputSpecification') || !isA(spec?.$parent, 'bpmn:CallableElement')) continue;
      ctx.report({
        rule: 'EXT082',
        element: association,
        message: `the data association reads ${nameOf(source)}, an output of the process; a process output can only be written.`,
        fix: 'Read from a data object or a data input instead, and write the process output with a data output association.',
      });
    }
  }
}

/** EXT084, EXT088: every data input (output) of a specification belongs to at least one input (output) set. */
function checkSetMembership(ctx: RuleContext): void {
  for (const spec of ctx.all('bpmn:InputOutputSpecification')) {
    for (const [list, sets, refs, rule, noun] of [
      ['dataInputs', 'inputSets', 'dataInputRefs', 'EXT084', 'input'],
      ['dataOutputs', 'outputSets', 'dataOutputRefs', 'EXT088', 'output'],
    ] as const) {
      const members = new Set(many(spec, sets).flatMap((s) => many(s, refs)));
      for (const data of many(spec, list)) {
        if (members.has(data)) continue;
        ctx.report({
          rule,
          element: data,
          message: `the data ${noun} is not part of any ${noun} set, so it is never supplied.`,
          fix: `List the data ${noun} in a <${refs}> of one of the ${noun} sets of its specification.`,
        });
      }
    }
  }
}

/** EXT085, EXT086, EXT089, EXT090: optional and while-executing members are members of the same set. */
function checkSetSubsets(ctx: RuleContext): void {
  for (const [type, members, subset, rule] of [
    ['bpmn:InputSet', 'dataInputRefs', 'optionalInputRefs', 'EXT085'],
    ['bpmn:InputSet', 'dataInputRefs', 'whileExecutingInputRefs', 'EXT086'],
    ['bpmn:OutputSet', 'dataOutputRefs', 'optionalOutputRefs', 'EXT089'],
    ['bpmn:OutputSet', 'dataOutputRefs', 'whileExecutingOutputRefs', 'EXT090'],
  ] as const) {
    for (const set of ctx.all(type)) {
      const listed = many(set, members);
      for (const data of many(set, subset)) {
        if (listed.includes(data)) continue;
        ctx.report({
          rule,
          element: set,
          message: `the ${kindOf(set)} names ${nameOf(data)} in ${subset} but not in ${members}.`,
          fix: `Also list "${data.id}" in the ${members} of the same ${kindOf(set)}, or remove it from ${subset}.`,
        });
      }
    }
  }
}

/** EXT087: input sets and output sets refer to each other in pairs. */
function checkSetPairs(ctx: RuleContext): void {
  for (const [type, forward, backward] of [
    ['bpmn:InputSet', 'outputSetRefs', 'inputSetRefs'],
    ['bpmn:OutputSet', 'inputSetRefs', 'outputSetRefs'],
  ] as const) {
    for (const set of ctx.all(type)) {
      for (const other of many(set, forward)) {
        if (many(other, backward).includes(set)) continue;
        ctx.report({
          rule: 'EXT087',
          element: set,
          message: `the ${kindOf(set)} refers to ${nameOf(other)} in ${forward}, but that set does not refer back in ${backward}.`,
          fix: `Add the ${kindOf(set)} to the ${backward} of ${nameOf(other)}, or remove the reference.`,
        });
      }
    }
  }
}

/** EXT092: without a transformation, a data association copies exactly one source. */
function checkAssociationSources(ctx: RuleContext): void {
  for (const association of ctx.all('bpmn:DataAssociation')) {
    if (one(association, 'transformation') !== undefined || many(association, 'assignment').length > 0) continue;
    if (many(association, 'sourceRef').length <= 1) continue;
    ctx.report({
      rule: 'EXT092',
      element: association,
      message: 'the data association has several sources but no transformation to combine them.',
      fix: 'Keep a single sourceRef, or add a transformation expression that combines the sources.',
    });
  }
}
