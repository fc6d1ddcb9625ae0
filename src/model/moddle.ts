import { createRequire } from 'node:module';
import { BpmnModdle } from 'bpmn-moddle';
import { pipelaneDescriptor } from './pipelane-descriptor.js';

const require = createRequire(import.meta.url);

interface Descriptor {
  types: { name: string; properties?: { name: string; isAttr?: boolean }[] }[];
}

/**
 * One moddle that reads BPMN 2.0 with the Camunda 7 and Zeebe extension
 * descriptors, so models drawn for those engines load unchanged, and
 * Pipelane's own small descriptor.
 */
export function createModdle(): BpmnModdle {
  const camunda = require('camunda-bpmn-moddle/resources/camunda.json') as Descriptor;
  const zeebe = require('zeebe-bpmn-moddle/resources/zeebe.json') as Descriptor;
  // Both descriptors define TemplateSupported#modelerTemplate on the same BPMN
  // types, and moddle refuses the second definition; Camunda's one is enough.
  const zeebeWithoutTemplates = { ...zeebe, types: zeebe.types.filter((t) => t.name !== 'TemplateSupported') };
  return new BpmnModdle({ bpmn: bpmnWithScriptElements(), camunda, zeebe: zeebeWithoutTemplates, pipelane: pipelaneDescriptor });
}

/**
 * bpmn-moddle declares the script of a global script task as an attribute,
 * but the BPMN 2.0 schema (tGlobalScriptTask) makes it a child element, as
 * for a script task; this copy of the descriptor follows the schema.
 */
function bpmnWithScriptElements(): Descriptor {
  const bpmn = structuredClone(require('bpmn-moddle/resources/bpmn/json/bpmn.json') as Descriptor);
  const global = bpmn.types.find((t) => t.name === 'GlobalScriptTask');
  const script = global?.properties?.find((p) => p.name === 'script');
  if (script) delete script.isAttr;
  return bpmn;
}
