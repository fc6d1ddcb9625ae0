import type { ModdleElement } from 'bpmn-moddle';
import type {
  DeploymentModel,
  ElementType,
  EventDefinition,
  FlowNode,
  GlobalTask,
  LoopCharacteristics,
  Mapping,
  ProcessDefinition,
  Scope,
  SequenceFlow,
} from './process-model.js';
import type { ParsedBpmn } from './parse.js';
import { embeddedForm } from './forms.js';

/** Turns a validated moddle tree into the engine's plain, indexed model. */
export function compileModel(parsed: ParsedBpmn): DeploymentModel {
  const processes: Record<string, ProcessDefinition> = {};
  const globalTasks: Record<string, GlobalTask> = {};
  for (const root of list(parsed.definitions.rootElements)) {
    if (root.$type === 'bpmn:Process' && root.id) {
      const process = (processes[root.id] = compileProcess(root));
      for (const node of Object.values(process.nodes)) {
        const el = parsed.elementsById[node.id];
        if (node.type === 'userTask' && el) Object.assign(node, embeddedForm(el, root));
      }
    }
    const global = /^bpmn:Global(\w*)Task$/.exec(root.$type);
    if (global && root.id) {
      const type = (global[1] ? lowerFirst(global[1]) + 'Task' : 'task') as GlobalTask['type'];
      globalTasks[root.id] = { id: root.id, type, ...scriptOf(root) };
    }
  }
  return { file: parsed.file, processes, globalTasks };
}

const ELEMENT_TYPES = new Set<string>([
  'task', 'scriptTask', 'serviceTask', 'sendTask', 'receiveTask', 'userTask', 'manualTask', 'businessRuleTask',
  'callActivity', 'subProcess', 'transaction', 'adHocSubProcess', 'startEvent', 'endEvent',
  'intermediateCatchEvent', 'intermediateThrowEvent', 'boundaryEvent', 'exclusiveGateway', 'parallelGateway',
  'inclusiveGateway', 'eventBasedGateway', 'complexGateway',
]);

function compileProcess(process: ModdleElement): ProcessDefinition {
  const def: ProcessDefinition = {
    id: process.id!,
    name: str(process.name),
    isExecutable: process.isExecutable !== false,
    nodes: {},
    flows: {},
    scopes: {},
  };
  addScope(def, process);
  for (const flow of Object.values(def.flows)) {
    def.nodes[flow.source]?.outgoing.push(flow.id);
    def.nodes[flow.target]?.incoming.push(flow.id);
  }
  for (const node of Object.values(def.nodes)) {
    if (node.attachedTo) def.nodes[node.attachedTo]?.boundaryEvents.push(node.id);
  }
  return def;
}

function addScope(def: ProcessDefinition, container: ModdleElement): void {
  const scopeId = container.id!;
  const scope: Scope = { id: scopeId, children: [], startEvents: [], eventSubProcesses: [], dataNames: [] };
  def.scopes[scopeId] = scope;
  for (const property of list(container.properties)) if (property.id) scope.dataNames.push(property.id);
  for (const el of list(container.flowElements)) {
    if (!el.id) continue;
    if (el.$type === 'bpmn:SequenceFlow') {
      def.flows[el.id] = compileFlow(el);
      continue;
    }
    if (el.$type === 'bpmn:DataObject') scope.dataNames.push(el.id);
    const type = lowerFirst(el.$type.replace(/^bpmn:/, ''));
    if (!ELEMENT_TYPES.has(type)) continue;
    const node = compileNode(el, type as ElementType, scopeId);
    def.nodes[node.id] = node;
    scope.children.push(node.id);
    if (node.type === 'startEvent') scope.startEvents.push(node.id);
    if (node.triggeredByEvent) scope.eventSubProcesses.push(node.id);
    if (list(el.flowElements).length > 0 || type.endsWith('rocess') || type === 'transaction') addScope(def, el);
  }
  for (const artifact of list(container.artifacts)) {
    if (artifact.$type !== 'bpmn:Association') continue;
    const source = ref(artifact.sourceRef);
    const target = ref(artifact.targetRef);
    const boundary = source ? def.nodes[source] : undefined;
    if (boundary?.attachedTo && target && boundary.eventDefinitions.some((e) => e.kind === 'compensate')) {
      const host = def.nodes[boundary.attachedTo];
      if (host) host.compensationHandler = target;
    }
  }
}

function compileFlow(el: ModdleElement): SequenceFlow {
  const condition = body(el.conditionExpression);
  return { id: el.id!, source: ref(el.sourceRef) ?? '', target: ref(el.targetRef) ?? '', ...(condition ? { condition } : {}) };
}

function compileNode(el: ModdleElement, type: ElementType, scope: string): FlowNode {
  const node: FlowNode = {
    id: el.id!,
    name: str(el.name),
    type,
    scope,
    incoming: [],
    outgoing: [],
    eventDefinitions: eventDefinitionsOf(el),
    parallelMultiple: el.parallelMultiple === true,
    cancelActivity: el.cancelActivity !== false,
    isInterrupting: el.isInterrupting !== false,
    boundaryEvents: [],
    instantiate: el.instantiate === true,
    startQuantity: num(el.startQuantity) ?? 1,
    completionQuantity: num(el.completionQuantity) ?? 1,
    isForCompensation: el.isForCompensation === true,
    triggeredByEvent: el.triggeredByEvent === true,
    inputs: [],
    outputs: [],
    extensions: extensionsOf(el),
  };
  const attachedTo = ref(el.attachedToRef);
  if (attachedTo) node.attachedTo = attachedTo;
  const defaultFlow = ref(el.default);
  if (defaultFlow) node.defaultFlow = defaultFlow;
  const activation = body(el.activationCondition);
  if (activation) node.activationCondition = activation;
  const loop = loopOf(el);
  if (loop) node.loop = loop;
  if (type === 'scriptTask') Object.assign(node, scriptOf(el));
  if (type === 'callActivity') node.calledElement = str(el.calledElement) ?? zeebe(el, 'zeebe:CalledElement')?.processId as string | undefined;
  if (type === 'adHocSubProcess') {
    const completionCondition = body(el.completionCondition);
    node.adHoc = {
      sequential: el.ordering === 'Sequential',
      cancelRemainingInstances: el.cancelRemainingInstances !== false,
      ...(completionCondition ? { completionCondition } : {}),
    };
  }
  const message = (el.messageRef as ModdleElement | undefined)?.name;
  if (typeof message === 'string') node.message = message;
  const { inputs, outputs } = mappingsOf(el);
  node.inputs = inputs;
  node.outputs = outputs;
  return node;
}

function eventDefinitionsOf(el: ModdleElement): EventDefinition[] {
  const defs = [...list(el.eventDefinitions), ...list(el.eventDefinitionRef)];
  return defs.flatMap((d) => {
    const def = eventDefinition(d);
    return def ? [def] : [];
  });
}

export function eventDefinition(d: ModdleElement): EventDefinition | undefined {
  switch (d.$type) {
    case 'bpmn:TimerEventDefinition': {
      for (const timer of ['timeDuration', 'timeDate', 'timeCycle'] as const) {
        const expression = body(d[timer]);
        if (expression !== undefined) return { kind: 'timer', timer, expression };
      }
      return { kind: 'timer', timer: 'timeDuration', expression: '' };
    }
    case 'bpmn:MessageEventDefinition': {
      const message = d.messageRef as ModdleElement | undefined;
      return { kind: 'message', message: str(message?.name) ?? message?.id ?? '' };
    }
    case 'bpmn:SignalEventDefinition': {
      const signal = d.signalRef as ModdleElement | undefined;
      return { kind: 'signal', signal: str(signal?.name) ?? signal?.id ?? '' };
    }
    case 'bpmn:ErrorEventDefinition': {
      const error = d.errorRef as ModdleElement | undefined;
      const code = str(error?.errorCode);
      return { kind: 'error', ...(code ? { code } : {}), ...(error?.name ? { errorName: String(error.name) } : {}) };
    }
    case 'bpmn:EscalationEventDefinition': {
      const code = str((d.escalationRef as ModdleElement | undefined)?.escalationCode);
      return { kind: 'escalation', ...(code ? { code } : {}) };
    }
    case 'bpmn:ConditionalEventDefinition':
      return { kind: 'conditional', condition: body(d.condition) ?? 'false' };
    case 'bpmn:LinkEventDefinition':
      return { kind: 'link', link: str(d.name) ?? '' };
    case 'bpmn:CompensateEventDefinition': {
      const activity = ref(d.activityRef);
      return { kind: 'compensate', ...(activity ? { activity } : {}) };
    }
    case 'bpmn:CancelEventDefinition':
      return { kind: 'cancel' };
    case 'bpmn:TerminateEventDefinition':
      return { kind: 'terminate' };
    default:
      return undefined;
  }
}

function loopOf(el: ModdleElement): LoopCharacteristics | undefined {
  const loop = el.loopCharacteristics as ModdleElement | undefined;
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
  const zeebeLoop = zeebe(loop, 'zeebe:LoopCharacteristics');
  const cardinality = body(loop.loopCardinality);
  const completionCondition = body(loop.completionCondition);
  const collection = str(loop.get('camunda:collection')) ?? str(zeebeLoop?.inputCollection);
  const elementVariable = str(loop.get('camunda:elementVariable')) ?? str(zeebeLoop?.inputElement);
  const one = loop.oneBehaviorEventRef as ModdleElement | undefined;
  const none = loop.noneBehaviorEventRef as ModdleElement | undefined;
  const oneEvent = one ? eventDefinition(one) : undefined;
  const noneEvent = none ? eventDefinition(none) : undefined;
  return {
    kind: 'multiInstance',
    sequential: loop.isSequential === true,
    behavior: (str(loop.behavior) as 'None' | 'One' | 'All' | 'Complex' | undefined) ?? 'All',
    ...(cardinality ? { cardinality } : {}),
    ...(completionCondition ? { completionCondition } : {}),
    ...(collection ? { collection: collection.replace(/^\$\{(.*)\}$/s, '$1') } : {}),
    ...(elementVariable ? { elementVariable } : {}),
    ...(oneEvent ? { oneBehaviorEvent: oneEvent } : {}),
    ...(noneEvent ? { noneBehaviorEvent: noneEvent } : {}),
  };
}

function scriptOf(el: ModdleElement): Pick<FlowNode, 'script'> {
  const format = str(el.scriptFormat);
  const scriptBody = typeof el.script === 'string' ? el.script : body(el.script);
  const resource = str(el.get('pipelane:file')) ?? str(el.get('camunda:resource'));
  if (scriptBody === undefined && resource === undefined && format === undefined) return {};
  return {
    script: {
      ...(format ? { format } : {}),
      ...(scriptBody !== undefined ? { body: scriptBody } : {}),
      ...(resource ? { resource } : {}),
    },
  };
}

function mappingsOf(el: ModdleElement): { inputs: Mapping[]; outputs: Mapping[] } {
  const inputs: Mapping[] = [];
  const outputs: Mapping[] = [];
  const camunda = extension(el, 'camunda:InputOutput');
  for (const p of list(camunda?.inputParameters)) inputs.push({ target: String(p.name), source: camundaValue(p) });
  for (const p of list(camunda?.outputParameters)) outputs.push({ target: String(p.name), source: camundaValue(p) });
  const io = zeebe(el, 'zeebe:IoMapping');
  for (const p of list(io?.inputParameters)) inputs.push({ target: String(p.target), source: String(p.source ?? 'null') });
  for (const p of list(io?.outputParameters)) outputs.push({ target: String(p.target), source: String(p.source ?? 'null') });
  return { inputs, outputs };
}

/** Camunda writes `${expr}` or plain text; a plain value becomes a FEEL string. */
function camundaValue(p: ModdleElement): string {
  const value = typeof p.value === 'string' ? p.value : body(p.definition) ?? '';
  const expr = /^\$\{(.*)\}$/s.exec(value.trim());
  if (expr) return expr[1]!;
  if (value.trim().startsWith('=')) return value.trim().slice(1);
  return JSON.stringify(value);
}

const CAMUNDA_ATTRIBUTES = [
  'assignee', 'candidateUsers', 'candidateGroups', 'dueDate', 'followUpDate', 'formKey', 'resultVariable',
  'class', 'expression', 'delegateExpression', 'type', 'topic', 'priority', 'asyncBefore', 'asyncAfter',
];

function extensionsOf(el: ModdleElement): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of CAMUNDA_ATTRIBUTES) {
    const value = el.get(`camunda:${name}`);
    if (value !== undefined && value !== null && value !== '' && value !== false) out[`camunda:${name}`] = String(value);
  }
  for (const [key, value] of Object.entries(el.$attrs ?? {})) if (!key.startsWith('xmlns')) out[key] = value;
  const assignment = zeebe(el, 'zeebe:AssignmentDefinition');
  for (const name of ['assignee', 'candidateGroups', 'candidateUsers']) {
    if (typeof assignment?.[name] === 'string') out[`zeebe:${name}`] = assignment[name] as string;
  }
  const task = zeebe(el, 'zeebe:TaskDefinition');
  if (typeof task?.type === 'string') out['zeebe:taskType'] = task.type;
  const form = zeebe(el, 'zeebe:FormDefinition');
  if (typeof form?.formKey === 'string') out['zeebe:formKey'] = form.formKey;
  if (typeof form?.formId === 'string') out['zeebe:formId'] = form.formId;
  const schedule = zeebe(el, 'zeebe:TaskSchedule');
  for (const name of ['dueDate', 'followUpDate']) {
    if (typeof schedule?.[name] === 'string') out[`zeebe:${name}`] = schedule[name] as string;
  }
  return out;
}

function extension(el: ModdleElement, type: string): ModdleElement | undefined {
  const ext = el.extensionElements as ModdleElement | undefined;
  return list(ext?.values).find((v) => v.$type === type);
}

const zeebe = extension;

function list(value: unknown): ModdleElement[] {
  return Array.isArray(value) ? (value as ModdleElement[]) : [];
}

function ref(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  return (value as ModdleElement | undefined)?.id;
}

function body(value: unknown): string | undefined {
  const text = (value as ModdleElement | undefined)?.body;
  return typeof text === 'string' ? text.trim() : undefined;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function num(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value))) return Number(value);
  return undefined;
}

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}
