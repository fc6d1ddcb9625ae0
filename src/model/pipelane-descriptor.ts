/**
 * Pipelane's own moddle descriptor: what a model can say to Pipelane without
 * an engine vendor's namespace. Today one attribute:
 *
 *   <scriptTask id="train" pipelane:file="scripts/train.R"/>
 *
 * names the script file (relative to the model), as `camunda:resource` does
 * for models drawn in Camunda Modeler.
 */
export const PIPELANE_NAMESPACE = 'https://pipelane.dev/schema/bpmn/1.0';

export const pipelaneDescriptor = {
  name: 'Pipelane',
  uri: PIPELANE_NAMESPACE,
  prefix: 'pipelane',
  xml: { tagAlias: 'lowerCase' },
  types: [
    {
      name: 'ScriptFile',
      extends: ['bpmn:ScriptTask', 'bpmn:GlobalScriptTask'],
      properties: [{ name: 'file', isAttr: true, type: 'String' }],
    },
  ],
};
