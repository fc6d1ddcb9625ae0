import { parseBpmn } from '../../../src/model/parse.js';
import { compileModel } from '../../../src/model/compile.js';
import type { DeploymentModel } from '../../../src/model/process-model.js';
import { startInstance, step, type Command, type EngineEvent, type InstanceState } from '../../../src/engine/index.js';

/** Wraps process content in a BPMN definitions document and compiles it (no validation: engine tests only). */
export async function model(body: string, extraRoot = ''): Promise<DeploymentModel> {
  const xml = `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
  xmlns:camunda="http://camunda.org/schema/1.0/bpmn" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="defs" targetNamespace="test">
  ${extraRoot}
  <process id="P" isExecutable="true">${body}</process>
</definitions>`;
  const parsed = await parseBpmn(xml, 'test.bpmn');
  if (!parsed.ok) throw new Error(parsed.diagnostics.map((d) => d.message).join('\n'));
  return compileModel(parsed.parsed);
}

/** A driver that keeps the latest state and the commands of the last step. */
export class Driver {
  state!: InstanceState;
  commands: Command[] = [];
  constructor(readonly deployment: DeploymentModel) {}

  start(variables: Record<string, unknown> = {}, at = 0): this {
    const r = startInstance(this.deployment, { instanceId: 'i1', processId: 'P', variables, at });
    this.state = r.state;
    this.commands = r.commands;
    return this;
  }

  send(event: EngineEvent): this {
    const r = step(this.deployment, this.state, event);
    this.state = r.state;
    this.commands = r.commands;
    return this;
  }

  of<T extends Command['type']>(type: T): Extract<Command, { type: T }>[] {
    return this.commands.filter((c): c is Extract<Command, { type: T }> => c.type === type);
  }

  job(elementId: string): string {
    const job = this.of('runJob').find((j) => j.elementId === elementId);
    if (!job) throw new Error(`no runJob for ${elementId} in ${JSON.stringify(this.commands.map((c) => c.type))}`);
    return job.jobId;
  }

  complete(elementId: string, variables: Record<string, unknown> = {}, at = 0): this {
    return this.send({ type: 'jobCompleted', at, jobId: this.job(elementId), variables });
  }
}

export const seq = (from: string, to: string, id = `${from}_${to}`, condition?: string) =>
  condition === undefined
    ? `<sequenceFlow id="${id}" sourceRef="${from}" targetRef="${to}"/>`
    : `<sequenceFlow id="${id}" sourceRef="${from}" targetRef="${to}"><conditionExpression xsi:type="tFormalExpression">${condition}</conditionExpression></sequenceFlow>`;

export const script = (id: string) => `<scriptTask id="${id}" scriptFormat="python"><script>print("${id}")</script></scriptTask>`;
