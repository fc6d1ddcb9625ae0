import type { ModdleElement } from 'bpmn-moddle';
import type { EventDefinition } from './process-model.js';
import { body, extension, list, ref, str } from './moddle-values.js';

export function eventDefinitionsOf(el: ModdleElement): EventDefinition[] {
  const defs = [...list(el.eventDefinitions), ...list(el.eventDefinitionRef)];
  return defs.flatMap((d) => {
    const def = eventDefinition(d);
    return def ? [def] : [];
  });
}

export function eventDefinition(d: ModdleElement): EventDefinition | undefined {
  switch (d.$type) {
    case 'bpmn:TimerEventDefinition': {
      for (const timer of ['timeDuration', 'timeDate', 'timeCycle'] as const) {
        const expression = body(d[timer]);
        if (expression !== undefined) return { kind: 'timer', timer, expression };
      }
      return { kind: 'timer', timer: 'timeDuration', expression: '' };
    }
    case 'bpmn:MessageEventDefinition': {
      const message = d.messageRef as ModdleElement | undefined;
      const correlationKey = correlationKeyOf(message);
      return { kind: 'message', message: str(message?.name) ?? message?.id ?? '', ...(correlationKey ? { correlationKey } : {}) };
    }
    case 'bpmn:SignalEventDefinition': {
      const signal = d.signalRef as ModdleElement | undefined;
      return { kind: 'signal', signal: str(signal?.name) ?? signal?.id ?? '' };
    }
    case 'bpmn:ErrorEventDefinition': {
      const error = d.errorRef as ModdleElement | undefined;
      const code = str(error?.errorCode);
      return { kind: 'error', ...(code ? { code } : {}), ...(error?.name ? { errorName: String(error.name) } : {}) };
    }
    case 'bpmn:EscalationEventDefinition': {
      const code = str((d.escalationRef as ModdleElement | undefined)?.escalationCode);
      return { kind: 'escalation', ...(code ? { code } : {}) };
    }
    case 'bpmn:ConditionalEventDefinition':
      return { kind: 'conditional', condition: body(d.condition) ?? 'false' };
    case 'bpmn:LinkEventDefinition':
      return { kind: 'link', link: str(d.name) ?? '' };
    case 'bpmn:CompensateEventDefinition': {
      const activity = ref(d.activityRef);
      return { kind: 'compensate', ...(activity ? { activity } : {}) };
    }
    case 'bpmn:CancelEventDefinition':
      return { kind: 'cancel' };
    case 'bpmn:TerminateEventDefinition':
      return { kind: 'terminate' };
    default:
      return undefined;
  }
}

/**
 * The correlation key a catching element subscribes with: Zeebe writes it on
 * the message, `<zeebe:subscription correlationKey="= orderId"/>`, as a FEEL
 * expression evaluated when the subscription opens.
 */
export function correlationKeyOf(message: ModdleElement | undefined): string | undefined {
  return str(extension(message, 'zeebe:Subscription')?.correlationKey)?.trim() || undefined;
}
