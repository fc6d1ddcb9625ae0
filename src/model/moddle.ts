import { createRequire } from 'node:module';
import { BpmnModdle } from 'bpmn-moddle';

const require = createRequire(import.meta.url);

interface Descriptor {
  types: { name: string }[];
}

/**
 * One moddle that reads BPMN 2.0 with the Camunda 7 and Zeebe extension
 * descriptors, so models drawn for those engines load unchanged.
 */
export function createModdle(): BpmnModdle {
  const camunda = require('camunda-bpmn-moddle/resources/camunda.json') as Descriptor;
  const zeebe = require('zeebe-bpmn-moddle/resources/zeebe.json') as Descriptor;
  // Both descriptors define TemplateSupported#modelerTemplate on the same BPMN
  // types, and moddle refuses the second definition; Camunda's one is enough.
  const zeebeWithoutTemplates = { ...zeebe, types: zeebe.types.filter((t) => t.name !== 'TemplateSupported') };
  return new BpmnModdle({ camunda, zeebe: zeebeWithoutTemplates });
}
