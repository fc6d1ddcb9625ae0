import type { ModdleElement } from 'bpmn-moddle';
import { eventDefinition } from './compile-events.js';
import type { ComplexBehavior, LoopCharacteristics, MultiInstanceLoop } from './process-model.js';
import { body, extension, list, num, str } from './moddle-values.js';

/** Standard loops and multi-instance characteristics, in BPMN's own terms or Camunda's and Zeebe's. */
export function loopOf(activity: ModdleElement): LoopCharacteristics | undefined {
  const loop = activity.loopCharacteristics as ModdleElement | undefined;
  if (!loop) return undefined;
  if (loop.$type === 'bpmn:StandardLoopCharacteristics') {
    const condition = body(loop.loopCondition);
    const maximum = num(loop.loopMaximum);
    return {
      kind: 'standard',
      testBefore: loop.testBefore === true,
      ...(condition ? { condition } : {}),
      ...(maximum !== undefined ? { maximum } : {}),
    };
  }
  return multiInstance(activity, loop);
}

function multiInstance(activity: ModdleElement, loop: ModdleElement): MultiInstanceLoop {
  const zeebeLoop = extension(loop, 'zeebe:LoopCharacteristics');
  const cardinality = body(loop.loopCardinality);
  const completionCondition = body(loop.completionCondition);
  const collection = str(loop.get('camunda:collection')) ?? str(zeebeLoop?.inputCollection) ?? dataVariable(activity, loop.loopDataInputRef);
  const elementVariable = str(loop.get('camunda:elementVariable')) ?? str(zeebeLoop?.inputElement) ?? itemName(loop.inputDataItem);
  const outputCollection = str(zeebeLoop?.outputCollection) ?? dataVariable(activity, loop.loopDataOutputRef);
  const outputElement = str(zeebeLoop?.outputElement) ?? itemName(loop.outputDataItem);
  const one = loop.oneBehaviorEventRef as ModdleElement | undefined;
  const none = loop.noneBehaviorEventRef as ModdleElement | undefined;
  const oneEvent = one ? eventDefinition(one) : undefined;
  const noneEvent = none ? eventDefinition(none) : undefined;
  const complex = complexBehaviors(loop);
  return {
    kind: 'multiInstance',
    sequential: loop.isSequential === true,
    behavior: (str(loop.behavior) as MultiInstanceLoop['behavior'] | undefined) ?? 'All',
    ...(cardinality ? { cardinality } : {}),
    ...(completionCondition ? { completionCondition } : {}),
    ...(collection ? { collection: collection.replace(/^\$\{(.*)\}$/s, '$1') } : {}),
    ...(elementVariable ? { elementVariable } : {}),
    ...(outputCollection ? { outputCollection } : {}),
    ...(outputElement && outputCollection ? { outputElement } : {}),
    ...(oneEvent ? { oneBehaviorEvent: oneEvent } : {}),
    ...(noneEvent ? { noneBehaviorEvent: noneEvent } : {}),
    ...(complex.length > 0 ? { complexBehaviors: complex } : {}),
  };
}

/**
 * The variable a loopDataInputRef / loopDataOutputRef stands for. Data
 * objects and properties are variables named by their id; a data object
 * reference stands for its data object; a data input (output) of the
 * activity stands for the data its data association connects it to, or else
 * for a variable of its own name.
 */
function dataVariable(activity: ModdleElement, item: unknown): string | undefined {
  const element = item as ModdleElement | undefined;
  if (!element?.$type) return undefined;
  if (element.$type === 'bpmn:DataInput') {
    const association = list(activity.dataInputAssociations).find((a) => a.targetRef === element);
    const source = list(association?.sourceRef)[0];
    return source ? dataName(source) : itemName(element);
  }
  if (element.$type === 'bpmn:DataOutput') {
    const association = list(activity.dataOutputAssociations).find((a) => list(a.sourceRef).includes(element));
    const target = association?.targetRef as ModdleElement | undefined;
    return target ? dataName(target) : itemName(element);
  }
  return dataName(element);
}

function dataName(element: ModdleElement): string | undefined {
  if (element.$type === 'bpmn:DataObjectReference') return (element.dataObjectRef as ModdleElement | undefined)?.id ?? element.id;
  return element.id ?? str(element.name);
}

/** An inputDataItem / outputDataItem is the variable of one iteration, by its name or else its id. */
function itemName(item: unknown): string | undefined {
  const element = item as ModdleElement | undefined;
  return str(element?.name) ?? str(element?.id);
}

/** behavior="Complex": each definition throws its event when its condition holds as an instance completes. */
function complexBehaviors(loop: ModdleElement): ComplexBehavior[] {
  return list(loop.complexBehaviorDefinition).flatMap((definition) => {
    const condition = body(definition.condition);
    const thrown = list((definition.event as ModdleElement | undefined)?.eventDefinitions)[0];
    const event = thrown ? eventDefinition(thrown) : undefined;
    return condition && event ? [{ condition, event }] : [];
  });
}
