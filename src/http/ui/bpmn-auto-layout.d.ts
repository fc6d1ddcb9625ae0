/** bpmn-auto-layout ships no types: it takes BPMN XML and gives it back with a generated diagram. */
declare module 'bpmn-auto-layout' {
  export function layoutProcess(xml: string): Promise<string>;
}
