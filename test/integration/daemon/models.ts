/** The models the daemon tests deploy. */
import { bpmnXml, script, type NodeSpec } from '../../support/bpmn.js';

const start: NodeSpec = { id: 'start', tag: 'startEvent' };
const end: NodeSpec = { id: 'end', tag: 'endEvent' };

/** A person reviews, then a bash script reports what it was given. */
export const reviewThenReport = bpmnXml('review', [
  start,
  { id: 'approve', tag: 'userTask', attrs: { name: 'Approve the report' } },
  script('report', 'bash', 'echo "report for $(cat "$PIPELANE_INPUT")"; echo "warning: sample" >&2'),
  end,
], [['start', 'approve'], ['approve', 'report'], ['report', 'end']]);

/** A bash script prepares, then a person reviews: the instance waits on after its only job. */
export const prepareThenReview = bpmnXml('prepare', [
  start,
  script('build', 'bash', 'sleep 1; echo prepared'),
  { id: 'review', tag: 'userTask', attrs: { name: 'Review' } },
  end,
], [['start', 'build'], ['build', 'review'], ['review', 'end']]);

/** Started by the conditions API when the variables hold a big amount; a person then looks at it. */
export const bigOrder = bpmnXml('big-order', [
  { id: 'big', tag: 'startEvent', body: '<conditionalEventDefinition><condition xsi:type="tFormalExpression">amount &gt; 100</condition></conditionalEventDefinition>' },
  { id: 'look', tag: 'userTask', attrs: { name: 'Look at the big order' } },
  end,
], [['big', 'look'], ['look', 'end']]);

/** A person decides; nothing else. */
export const decide = bpmnXml('decide', [start, { id: 'decision', tag: 'userTask', attrs: { name: 'Decide' } }, end], [['start', 'decision'], ['decision', 'end']]);

/** Adds one to /workspace/<name> and sleeps: the counter says how often it ran. */
export function countingScript(id: string, counter: string, sleepSeconds: number): NodeSpec {
  return script(id, 'bash', [
    `n=$(cat /workspace/${counter} 2>/dev/null || echo 0)`,
    `echo $((n + 1)) > /workspace/${counter}`,
    `echo "${id} run $((n + 1))"`,
    `sleep ${sleepSeconds}`,
    `echo "${id} done"`,
  ].join('\n'));
}

/** One slow counting script. */
export const slowCounter = bpmnXml('slow', [start, countingScript('work', 'counter', 4), end], [['start', 'work'], ['work', 'end']]);

/** Two counting scripts in a row. */
export const twoCounters = bpmnXml('two', [start, countingScript('first', 'first.count', 0), countingScript('second', 'second.count', 1), end], [
  ['start', 'first'], ['first', 'second'], ['second', 'end'],
]);

/** Waits for a timer, then ends. */
export function timerModel(duration: string): string {
  return bpmnXml('wait', [
    start,
    { id: 'pause', tag: 'intermediateCatchEvent', body: `<timerEventDefinition><timeDuration xsi:type="tFormalExpression">${duration}</timeDuration></timerEventDefinition>` },
    end,
  ], [['start', 'pause'], ['pause', 'end']]);
}

/** Waits for the message "Paid"; a second process starts with the message "Order". */
export const waitForPayment = bpmnXml('payment', [
  start,
  { id: 'paid', tag: 'intermediateCatchEvent', body: '<messageEventDefinition messageRef="Msg_Paid"/>' },
  end,
], [['start', 'paid'], ['paid', 'end']], '  <message id="Msg_Paid" name="Paid"/>');

export const startedByOrder = bpmnXml('order', [
  { id: 'received', tag: 'startEvent', body: '<messageEventDefinition messageRef="Msg_Order"/>' },
  end,
], [['received', 'end']], '  <message id="Msg_Order" name="Order"/>');

/** Prints a line every half second, three times. */
export const ticker = bpmnXml('ticker', [
  start,
  script('tick', 'bash', 'for i in 1 2 3; do echo "tick $i"; sleep 0.5; done'),
  end,
], [['start', 'tick'], ['tick', 'end']]);
