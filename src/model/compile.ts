import type { ModdleElement } from 'bpmn-moddle';
import { PipelaneError } from '../errors.js';
import { correlationKeyOf, eventDefinitionsOf } from './compile-events.js';
import { loopOf } from './compile-loops.js';
import { isActivity, type DeploymentModel, type ElementType, type FlowNode, type GlobalTask, type Mapping, type ProcessDefinition, type Scope, type SequenceFlow } from './process-model.js';
import type { ParsedBpmn } from './parse.js';
import { embeddedForm } from './forms.js';
import { body, extension, list, lowerFirst, num, ref, str } from './moddle-values.js';

/** Turns a validated moddle tree into the engine's plain, indexed model. */
export function compileModel(parsed: ParsedBpmn): DeploymentModel {
  const processes: Record<string, ProcessDefinition> = {};
  const globalTasks: Record<string, GlobalTask> = {};
  const roots = list(parsed.definitions.rootElements);
  // Associations drawn on a collaboration's diagram are kept on the collaboration, not the process.
  const collaborationArtifacts = roots.filter((r) => r.$type === 'bpmn:Collaboration').flatMap((c) => list(c.artifacts));
  for (const root of roots) {
    if (root.$type === 'bpmn:Process' && root.id) {
      const process = (processes[root.id] = compileProcess(root, collaborationArtifacts));
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

function compileProcess(process: ModdleElement, collaborationArtifacts: ModdleElement[]): ProcessDefinition {
  const def: ProcessDefinition = {
    id: process.id!,
    name: str(process.name),
    isExecutable: process.isExecutable !== false,
    nodes: {},
    flows: {},
    scopes: {},
  };
  const artifacts = [...collaborationArtifacts];
  addScope(def, process, artifacts);
  linkCompensationHandlers(def, artifacts);
  for (const flow of Object.values(def.flows)) {
    def.nodes[flow.source]?.outgoing.push(flow.id);
    def.nodes[flow.target]?.incoming.push(flow.id);
  }
  for (const node of Object.values(def.nodes)) {
    if (node.attachedTo) def.nodes[node.attachedTo]?.boundaryEvents.push(node.id);
  }
  return def;
}

function addScope(def: ProcessDefinition, container: ModdleElement, artifacts: ModdleElement[]): void {
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
    const node = compileElement(el, type as ElementType, scopeId);
    def.nodes[node.id] = node;
    scope.children.push(node.id);
    if (node.type === 'startEvent') scope.startEvents.push(node.id);
    if (node.triggeredByEvent) scope.eventSubProcesses.push(node.id);
    if (list(el.flowElements).length > 0 || type.endsWith('rocess') || type === 'transaction') addScope(def, el, artifacts);
  }
  artifacts.push(...list(container.artifacts));
}

/**
 * A compensation boundary event's association names the activity that
 * compensates its host. Only an activity marked isForCompensation is one;
 * the validator reports an association to anything else.
 */
function linkCompensationHandlers(def: ProcessDefinition, artifacts: ModdleElement[]): void {
  for (const artifact of artifacts) {
    if (artifact.$type !== 'bpmn:Association') continue;
    const boundary = def.nodes[ref(artifact.sourceRef) ?? ''];
    const handler = def.nodes[ref(artifact.targetRef) ?? ''];
    if (!boundary?.attachedTo || !boundary.eventDefinitions.some((e) => e.kind === 'compensate')) continue;
    if (!handler || !isActivity(handler.type) || !handler.isForCompensation) continue;
    const host = def.nodes[boundary.attachedTo];
    if (host) host.compensationHandler ??= handler.id;
  }
}

/** Compiles one element; a failure names it, so the loader can say where the model could not be read. */
function compileElement(el: ModdleElement, type: ElementType, scope: string): FlowNode {
  try {
    return compileNode(el, type, scope);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw new PipelaneError('MODEL_INVALID', `${el.id} cannot be compiled: ${message}`, { elementId: el.id, cause: err });
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
  if (type === 'callActivity') node.calledElement = str(el.calledElement) ?? extension(el, 'zeebe:CalledElement')?.processId as string | undefined;
  if (type === 'adHocSubProcess') {
    const completionCondition = body(el.completionCondition);
    node.adHoc = {
      sequential: el.ordering === 'Sequential',
      cancelRemainingInstances: el.cancelRemainingInstances !== false,
      ...(completionCondition ? { completionCondition } : {}),
    };
  }
  const messageRef = el.messageRef as ModdleElement | undefined;
  if (typeof messageRef?.name === 'string') node.message = messageRef.name;
  const correlationKey = correlationKeyOf(messageRef);
  if (correlationKey) node.correlationKey = correlationKey;
  const { inputs, outputs } = mappingsOf(el);
  node.inputs = inputs;
  node.outputs = outputs;
  return node;
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
  const io = extension(el, 'zeebe:IoMapping');
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
  const assignment = extension(el, 'zeebe:AssignmentDefinition');
  for (const name of ['assignee', 'candidateGroups', 'candidateUsers']) {
    if (typeof assignment?.[name] === 'string') out[`zeebe:${name}`] = assignment[name] as string;
  }
  const task = extension(el, 'zeebe:TaskDefinition');
  if (typeof task?.type === 'string') out['zeebe:taskType'] = task.type;
  const form = extension(el, 'zeebe:FormDefinition');
  if (typeof form?.formKey === 'string') out['zeebe:formKey'] = form.formKey;
  if (typeof form?.formId === 'string') out['zeebe:formId'] = form.formId;
  const schedule = extension(el, 'zeebe:TaskSchedule');
  for (const name of ['dueDate', 'followUpDate']) {
    if (typeof schedule?.[name] === 'string') out[`zeebe:${name}`] = schedule[name] as string;
  }
  return out;
}
