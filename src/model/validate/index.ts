import { internalError, type Diagnostic } from '../diagnostic.js';
import type { ParsedBpmn } from '../parse.js';
import { checkActivities } from './activities.js';
import { checkArtifacts } from './artifacts.js';
import { checkCallActivities } from './calls.js';
import { checkCollaborations } from './collaboration.js';
import { createContext, type RuleContext } from './context.js';
import { checkData } from './data.js';
import { checkEventData } from './event-data.js';
import { checkEventDefinitions } from './event-definitions.js';
import { checkExpressions } from './expressions.js';
import { checkFlows } from './flows.js';
import { checkGateways } from './gateways.js';
import { checkIds } from './ids.js';
import { checkIntermediateEvents } from './intermediate-events.js';
import { checkMessageFlows } from './message-flows.js';
import { checkMessaging } from './messaging.js';
import { reinterpretParseDiagnostics } from './parse-findings.js';
import { checkProcesses } from './processes.js';
import { checkReferences } from './references.js';
import { checkStartAndEndEvents } from './start-end-events.js';
import { checkTimers } from './timers.js';

/** The rule modules, one per BPMN concept, in the order their findings are listed. */
const MODULES: readonly ((ctx: RuleContext) => void)[] = [
  checkIds,
  checkReferences,
  checkFlows,
  checkArtifacts,
  checkGateways,
  checkStartAndEndEvents,
  checkEventDefinitions,
  checkIntermediateEvents,
  checkEventData,
  checkActivities,
  checkMessaging,
  checkCallActivities,
  checkProcesses,
  checkData,
  checkExpressions,
  checkTimers,
  checkMessageFlows,
  checkCollaborations,
];

/**
 * Checks a parsed model against the constraints of the BPMN 2.0
 * specification (as catalogued by BPMNspector) and returns every finding,
 * including the parser's own, reinterpreted where the parser's wording hides
 * a rule (a duplicate id is EXT002, not an unknown element).
 */
export function validateModel(parsed: ParsedBpmn, parseDiagnostics: readonly Diagnostic[]): Diagnostic[] {
  const diagnostics = reinterpretParseDiagnostics(parsed, parseDiagnostics);
  const ctx = createContext(parsed, diagnostics);
  for (const check of MODULES) {
    // One rule module that fails on an unusual file must not hide the findings of the others.
    try {
      check(ctx);
    } catch (err) {
      diagnostics.push(internalError(parsed.file, `validated by ${check.name}`, err));
    }
  }
  return diagnostics;
}
