import type { FormDefinition } from './forms.js';

/**
 * The compiled, immutable form of a BPMN file that the engine executes. Plain
 * data (it serialises to JSON), indexed by element id; scopes are the process
 * and every sub-process, each listing the elements it directly contains.
 */
export type ActivityType =
  | 'task'
  | 'scriptTask'
  | 'serviceTask'
  | 'sendTask'
  | 'receiveTask'
  | 'userTask'
  | 'manualTask'
  | 'businessRuleTask'
  | 'callActivity'
  | 'subProcess'
  | 'transaction'
  | 'adHocSubProcess';

export type EventType = 'startEvent' | 'endEvent' | 'intermediateCatchEvent' | 'intermediateThrowEvent' | 'boundaryEvent';

export type GatewayType = 'exclusiveGateway' | 'parallelGateway' | 'inclusiveGateway' | 'eventBasedGateway' | 'complexGateway';

export type ElementType = ActivityType | EventType | GatewayType;

export type TimerKind = 'timeDuration' | 'timeDate' | 'timeCycle';

export type EventDefinition =
  | { kind: 'timer'; timer: TimerKind; expression: string }
  /** `correlationKey`: a FEEL expression, evaluated when the subscription opens. */
  | { kind: 'message'; message: string; correlationKey?: string }
  | { kind: 'signal'; signal: string }
  /** `code` undefined: catches every error (or throws one without a code). */
  | { kind: 'error'; code?: string; errorName?: string }
  | { kind: 'escalation'; code?: string }
  | { kind: 'conditional'; condition: string }
  | { kind: 'link'; link: string }
  | { kind: 'compensate'; activity?: string }
  | { kind: 'cancel' }
  | { kind: 'terminate' };

export type EventKind = EventDefinition['kind'];

export interface StandardLoop {
  kind: 'standard';
  condition?: string;
  maximum?: number;
  testBefore: boolean;
}

export interface MultiInstanceLoop {
  kind: 'multiInstance';
  sequential: boolean;
  cardinality?: string;
  /** Expression giving the collection to iterate over. */
  collection?: string;
  elementVariable?: string;
  /** The variable that receives the list of what each iteration gave (`outputElement`, in iteration order). */
  outputCollection?: string;
  /** Expression evaluated in an iteration as it completes; a plain name is a variable local to each iteration. */
  outputElement?: string;
  completionCondition?: string;
  behavior: 'None' | 'One' | 'All' | 'Complex';
  oneBehaviorEvent?: EventDefinition;
  noneBehaviorEvent?: EventDefinition;
  complexBehaviors?: ComplexBehavior[];
}

/** behavior="Complex": the event is thrown whenever the condition holds as an iteration completes. */
export interface ComplexBehavior {
  condition: string;
  event: EventDefinition;
}

export type LoopCharacteristics = StandardLoop | MultiInstanceLoop;

/** A Camunda `inputOutput` / Zeebe `ioMapping` entry: target = FEEL(source). */
export interface Mapping {
  target: string;
  source: string;
}

export interface ScriptSpec {
  format?: string;
  body?: string;
  /** A repository path (Camunda's `camunda:resource`). */
  resource?: string;
}

export interface FlowNode {
  id: string;
  name?: string;
  type: ElementType;
  /** The id of the process or sub-process that directly contains the element. */
  scope: string;
  incoming: string[];
  outgoing: string[];
  eventDefinitions: EventDefinition[];
  parallelMultiple: boolean;
  /** Boundary events: the activity they are attached to, and whether they interrupt it. */
  attachedTo?: string;
  cancelActivity: boolean;
  /** Start events of event sub-processes. */
  isInterrupting: boolean;
  boundaryEvents: string[];
  defaultFlow?: string;
  activationCondition?: string;
  /** Receive tasks and event-based gateways that start a process. */
  instantiate: boolean;
  startQuantity: number;
  completionQuantity: number;
  isForCompensation: boolean;
  /** The activity that compensates this one (through a compensation boundary event). */
  compensationHandler?: string;
  loop?: LoopCharacteristics;
  script?: ScriptSpec;
  calledElement?: string;
  /** Sub-processes: triggered by an event (an event sub-process). */
  triggeredByEvent: boolean;
  adHoc?: { sequential: boolean; completionCondition?: string; cancelRemainingInstances: boolean };
  message?: string;
  /** Receive tasks: the FEEL expression of the correlation key their message subscribes with. */
  correlationKey?: string;
  inputs: Mapping[];
  outputs: Mapping[];
  /** Extension attributes (`camunda:assignee`, `zeebe:…`), by qualified name. */
  extensions: Record<string, string>;
  /** User tasks: the form written in the BPMN file (camunda:formData or an embedded Zeebe form). */
  form?: FormDefinition;
  /** User tasks: why the form in the file cannot be used; the task raises an incident when it opens. */
  formProblem?: string;
}

export interface SequenceFlow {
  id: string;
  source: string;
  target: string;
  condition?: string;
}

export interface Scope {
  id: string;
  /** Elements directly inside, event sub-processes and boundary events included. */
  children: string[];
  /** Start events that start the scope (none start events; for the process also message, signal, timer…). */
  startEvents: string[];
  eventSubProcesses: string[];
  /** Data objects and properties declared in the scope, set to null when it starts. */
  dataNames: string[];
}

export interface ProcessDefinition {
  id: string;
  name?: string;
  isExecutable: boolean;
  nodes: Record<string, FlowNode>;
  flows: Record<string, SequenceFlow>;
  scopes: Record<string, Scope>;
}

/** A global task (bpmn:globalScriptTask …), callable by a call activity. */
export interface GlobalTask {
  id: string;
  type: ActivityType;
  script?: ScriptSpec;
}

export interface DeploymentModel {
  file: string;
  processes: Record<string, ProcessDefinition>;
  globalTasks: Record<string, GlobalTask>;
}

export function isActivity(type: ElementType): type is ActivityType {
  return !type.endsWith('Event') && !type.endsWith('Gateway');
}

export function isScopeType(type: ElementType): boolean {
  return type === 'subProcess' || type === 'transaction' || type === 'adHocSubProcess';
}
