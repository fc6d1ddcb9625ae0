/**
 * The benchmark models, generated as BPMN 2.0 XML so both engines run the
 * same elements. Tasks are service tasks: Pipelane turns each into a job
 * the bench answers at once; bpmn-engine calls `environment.services.noop`
 * (`increment` in the loop).
 */

export type ModelShape = 'sequence' | 'parallel' | 'loop';

/** Whose expression language the one condition of the loop model is written in. */
export type Dialect = 'pipelane' | 'bpmn-engine';

export const SEQUENCE_TASKS = 20;
export const PARALLEL_BRANCHES = 10;
export const LOOP_ITERATIONS = 100;

export const PROCESS_ID = 'P';

interface Node {
  id: string;
  tag: 'startEvent' | 'endEvent' | 'serviceTask' | 'parallelGateway' | 'exclusiveGateway';
  attrs?: Record<string, string>;
}

interface Flow {
  id: string;
  source: string;
  target: string;
  condition?: string;
}

interface Graph {
  nodes: Node[];
  flows: Flow[];
}

/**
 * The loop model's back-edge condition is the only place the two variants
 * differ. Pipelane evaluates FEEL. bpmn-engine's expressions are property
 * paths and function calls (`${a.b(c)}`), without operators, so
 * `${environment.variables.counter < 100}` would read a property of that
 * name and always be falsy; the comparison goes through a service function
 * instead, the cheapest form it evaluates (a `language="js"` script
 * condition would compile and run a vm context per evaluation).
 */
function loopCondition(dialect: Dialect): string {
  return dialect === 'pipelane'
    ? `counter < ${LOOP_ITERATIONS}`
    : `\${environment.services.below(environment.variables.counter,${LOOP_ITERATIONS})}`;
}

export function modelXml(shape: ModelShape, dialect: Dialect): string {
  const graph = shape === 'sequence' ? sequence() : shape === 'parallel' ? parallel() : loop(dialect);
  return `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
  id="bench-${shape}" targetNamespace="https://pipelane.dev/bench">
  <process id="${PROCESS_ID}" isExecutable="true">
${render(graph)}
  </process>
</definitions>
`;
}

/** start → t1 … tN → end */
function sequence(): Graph {
  const nodes: Node[] = [
    { id: 'start', tag: 'startEvent' },
    ...range(SEQUENCE_TASKS).map((i) => task(`t${i}`)),
    { id: 'end', tag: 'endEvent' },
  ];
  const flows = nodes.slice(1).map((n, i) => ({ id: `f${i + 1}`, source: nodes[i]!.id, target: n.id }));
  return { nodes, flows };
}

/** start → fork → b1 … bN (in parallel) → join → end */
function parallel(): Graph {
  const branches = range(PARALLEL_BRANCHES);
  return {
    nodes: [
      { id: 'start', tag: 'startEvent' },
      { id: 'fork', tag: 'parallelGateway' },
      ...branches.map((i) => task(`b${i}`)),
      { id: 'join', tag: 'parallelGateway' },
      { id: 'end', tag: 'endEvent' },
    ],
    flows: [
      { id: 'f_start', source: 'start', target: 'fork' },
      ...branches.flatMap((i) => [
        { id: `f_in${i}`, source: 'fork', target: `b${i}` },
        { id: `f_out${i}`, source: `b${i}`, target: 'join' },
      ]),
      { id: 'f_end', source: 'join', target: 'end' },
    ],
  };
}

/** start → task (counter + 1) → gateway: back to task while counter < N, else end. */
function loop(dialect: Dialect): Graph {
  return {
    nodes: [
      { id: 'start', tag: 'startEvent' },
      task('task', 'increment'),
      { id: 'more', tag: 'exclusiveGateway', attrs: { default: 'f_done' } },
      { id: 'end', tag: 'endEvent' },
    ],
    flows: [
      { id: 'f_start', source: 'start', target: 'task' },
      { id: 'f_check', source: 'task', target: 'more' },
      { id: 'f_again', source: 'more', target: 'task', condition: loopCondition(dialect) },
      { id: 'f_done', source: 'more', target: 'end' },
    ],
  };
}

/** `service` names the bpmn-engine service function; Pipelane ignores it and emits a job. */
function task(id: string, service = 'noop'): Node {
  return { id, tag: 'serviceTask', attrs: { implementation: `\${environment.services.${service}}` } };
}

/** Nodes list their incoming and outgoing flows, as BPMN 2.0 asks (Pipelane's validator checks it). */
function render({ nodes, flows }: Graph): string {
  const out: string[] = [];
  for (const node of nodes) {
    const attrs = Object.entries(node.attrs ?? {}).map(([k, v]) => ` ${k}="${escape(v)}"`).join('');
    const refs = [
      ...flows.filter((f) => f.target === node.id).map((f) => `      <incoming>${f.id}</incoming>`),
      ...flows.filter((f) => f.source === node.id).map((f) => `      <outgoing>${f.id}</outgoing>`),
    ];
    out.push(`    <${node.tag} id="${node.id}"${attrs}>`, ...refs, `    </${node.tag}>`);
  }
  for (const flow of flows) {
    const head = `    <sequenceFlow id="${flow.id}" sourceRef="${flow.source}" targetRef="${flow.target}"`;
    if (flow.condition === undefined) out.push(`${head} />`);
    else {
      out.push(
        `${head}>`,
        `      <conditionExpression xsi:type="tFormalExpression">${escape(flow.condition)}</conditionExpression>`,
        '    </sequenceFlow>',
      );
    }
  }
  return out.join('\n');
}

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i + 1);
}
