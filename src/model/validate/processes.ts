import type { ModdleElement } from 'bpmn-moddle';
import type { RuleContext } from './context.js';
import { isA, isAny, kindOf, labelOf, many, text } from './walk.js';

/** Processes and sub-processes as containers: public processes, event sub-processes, ad-hoc sub-processes. */
export function checkProcesses(ctx: RuleContext): void {
  for (const process of ctx.all('bpmn:Process')) checkPublicProcess(ctx, process);
  for (const sub of ctx.all('bpmn:SubProcess')) {
    if (sub['triggeredByEvent'] === true) checkEventSubProcess(ctx, sub);
  }
  for (const adHoc of ctx.all('bpmn:AdHocSubProcess')) checkAdHocSubProcess(ctx, adHoc);
}

/** EXT035: a public process shows a partner's visible behaviour; it is not meant to run. */
function checkPublicProcess(ctx: RuleContext, process: ModdleElement): void {
  if (text(process, 'processType') !== 'Public' || process['isExecutable'] !== true) return;
  ctx.report({
    rule: 'EXT035',
    element: process,
    message: 'the process is public (processType="Public") and also marked executable; a public process only describes what a partner sees.',
    fix: 'Set processType to "Private" (or "None") to run the process, or set isExecutable="false".',
  });
}

/** EXT057, EXT058: an event sub-process is started by its one start event, never by a sequence flow. */
function checkEventSubProcess(ctx: RuleContext, sub: ModdleElement): void {
  const connected = ctx.flowsTo(sub).length + ctx.flowsFrom(sub).length + many(sub, 'incoming').length + many(sub, 'outgoing').length;
  if (connected > 0) {
    ctx.report({
      rule: 'EXT057',
      element: sub,
      message: 'the event sub-process is connected by sequence flows; it is started by its start event and must stand apart from the flow.',
      fix: 'Remove the sequence flows into and out of the event sub-process.',
    });
  }
  const starts = many(sub, 'flowElements').filter((e) => isA(e, 'bpmn:StartEvent'));
  if (starts.length !== 1) {
    ctx.report({
      rule: 'EXT058',
      element: sub,
      message: `the event sub-process has ${starts.length} start events; it needs exactly one, whose trigger starts it.`,
      fix: starts.length === 0 ? 'Add one start event with a trigger (message, timer, error, …).' : 'Keep a single start event; use several event sub-processes for several triggers.',
    });
  }
}

const NOT_IN_AD_HOC = ['bpmn:StartEvent', 'bpmn:EndEvent', 'bpmn:ChoreographyActivity'];

/** EXT061, EXT062: an ad-hoc sub-process is a bag of activities without start, end or choreography. */
function checkAdHocSubProcess(ctx: RuleContext, adHoc: ModdleElement): void {
  const content = many(adHoc, 'flowElements');
  if (!content.some((e) => isA(e, 'bpmn:Activity'))) {
    ctx.report({
      rule: 'EXT061',
      element: adHoc,
      message: 'the ad-hoc sub-process contains no activity to perform.',
      fix: 'Add the activities that may be performed, or replace the ad-hoc sub-process by a task.',
    });
  }
  for (const element of content.filter((e) => isAny(e, NOT_IN_AD_HOC))) {
    ctx.report({
      rule: 'EXT062',
      element: element.id === undefined ? adHoc : element,
      message: `the ad-hoc sub-process contains ${kindOf(element)} ${labelOf(element)}; an ad-hoc sub-process has no start or end events and no choreography activities.`,
      fix: `Remove the ${kindOf(element)} from the ad-hoc sub-process.`,
    });
  }
}
