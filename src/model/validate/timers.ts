import type { RuleContext } from './context.js';
import { kindOf, one, text } from './walk.js';

/** Timer events: a date, a duration or a cycle, written in ISO 8601. */
export function checkTimers(ctx: RuleContext): void {
  for (const definition of ctx.all('bpmn:TimerEventDefinition')) {
    for (const kind of KINDS) {
      const expression = one(definition, kind.property);
      const value = expression === undefined ? undefined : text(expression, 'body')?.trim();
      if (value === undefined || value === '' || isDynamic(value) || kind.valid(value)) continue;
      const event = definition.$parent ?? definition;
      ctx.report({
        rule: kind.rule,
        element: event,
        message: `the ${kindOf(event)}'s ${kind.property} "${value}" is not ${kind.what}.`,
        fix: `Write ${kind.what}, for example ${kind.example}, or an expression that computes one (starting with "=").`,
      });
    }
  }
}

/** Values computed at run time (FEEL `=…`, or `${…}` / `#{…}` of Camunda 7) are checked when they are evaluated. */
function isDynamic(value: string): boolean {
  return value.startsWith('=') || /[$#]\{/.test(value);
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const TIME = /^\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}(:?\d{2})?)?$/;
const DURATION = /^P(?!$)(\d+(\.\d+)?Y)?(\d+(\.\d+)?M)?(\d+(\.\d+)?W)?(\d+(\.\d+)?D)?(T(?=\d)(\d+(\.\d+)?H)?(\d+(\.\d+)?M)?(\d+(\.\d+)?S)?)?$/;
/** A cron expression (Camunda and Zeebe accept them for cycles): five to seven fields. */
const CRON = /^(\S+\s+){4,6}\S+$/;

function isDateTime(value: string): boolean {
  const [date, time, ...rest] = value.split('T');
  if (date === undefined || !DATE.test(date) || rest.length > 0) return false;
  return time === undefined || TIME.test(time);
}

function isDuration(value: string): boolean {
  return DURATION.test(value);
}

/** `R[n]/duration`, `R[n]/start/duration`, `R[n]/duration/end`, or a cron expression. */
function isCycle(value: string): boolean {
  if (CRON.test(value)) return true;
  const [repeat, first, second, ...rest] = value.split('/');
  if (repeat === undefined || !/^R\d*$/.test(repeat) || first === undefined || rest.length > 0) return false;
  if (second === undefined) return isDuration(first);
  return (isDateTime(first) && isDuration(second)) || (isDuration(first) && isDateTime(second));
}

const KINDS: readonly { property: string; rule: string; what: string; example: string; valid: (value: string) => boolean }[] = [
  { property: 'timeDate', rule: 'EXT132', what: 'an ISO 8601 date and time', example: '"2030-01-31T06:00:00Z"', valid: isDateTime },
  { property: 'timeCycle', rule: 'EXT133', what: 'an ISO 8601 repeating interval', example: '"R3/PT10M"', valid: isCycle },
  { property: 'timeDuration', rule: 'EXT134', what: 'an ISO 8601 duration', example: '"PT5M"', valid: isDuration },
];
