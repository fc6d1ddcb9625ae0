/**
 * The sidecar `<name>.yaml` beside a `<name>.bpmn`: its runtime, retries,
 * per-task overrides, schedules and notifications. Pure: it reads YAML text,
 * the caller reads the file.
 *
 * ```yaml
 * runtime:
 *   image: { python: python:3.12-slim, r: r-base }   # or one image for all
 *   env: { REGION: eu }
 *   secrets: [WAREHOUSE_TOKEN]          # names, taken from the daemon's environment
 *   network: none                       # none (default) | bridge | a named network
 *   limits: { memory: 512m, cpus: 1, pids: 512, timeout: 10m }
 * retries: { count: 2, backoff: 30s }   # or backoff: { initial: 10s, factor: 2, max: 5m }
 * tasks:
 *   train:                              # a BPMN element id
 *     script: scripts/train.R           # relative to this file's directory
 *     runtime: { limits: { memory: 4g, timeout: 2h } }
 *     retries: { count: 0 }
 *   approve:                            # a user task: see approval-settings.ts
 *     approval: { channels: [email], context: [auc], attachments: [report.html], quorum: 1 }
 * schedules:
 *   weekday-morning:                    # the schedule's stable id
 *     cron: "0 6 * * 1-5"
 *     timezone: Europe/Berlin
 *     variables: { full: true }
 *     overlap: skip                     # skip (default) | queue | allow
 *     catchUp: last                     # none | last (default) | all
 * notifications:
 *   onFailure: [data-team]              # people, groups or channels of pipelane.yaml
 * ```
 */
import { LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { approvalSettingsSchema } from './approval-settings.js';
import type { Diagnostic } from './diagnostic.js';
import { isDaemonSetting } from './daemon-settings.js';
import { SCRIPT_LANGUAGES } from './script-language.js';
import { parseDuration, parseMemory } from './units.js';

const RULE = 'pipelane/sidecar';

const duration = z.string().transform((text, ctx) => {
  const ms = parseDuration(text);
  if (ms === undefined) ctx.addIssue({ code: 'custom', message: `"${text}" is not a duration` });
  return ms ?? 0;
});

const memory = z.union([z.string(), z.number()]).transform((value, ctx) => {
  const bytes = parseMemory(String(value));
  if (bytes === undefined || bytes < 4 * 1024 * 1024) {
    ctx.addIssue({ code: 'custom', message: `"${value}" is not a memory size of at least 4m` });
  }
  return bytes ?? 0;
});

const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'is not an environment variable name');

const imageByLanguage = z.strictObject({
  default: z.string().min(1).optional(),
  ...Object.fromEntries(SCRIPT_LANGUAGES.map((l) => [l, z.string().min(1).optional()])),
}) as z.ZodType<Partial<Record<'default' | 'python' | 'r' | 'bash', string>>>;

const limits = z.strictObject({
  memory: memory.optional(),
  cpus: z.coerce.number().positive().max(1024).optional(),
  pids: z.number().int().min(16).optional(),
  // A task's deadline: at least a second (0s would kill it at once), at most a week.
  timeout: duration.refine((ms) => ms >= 1000 && ms <= 7 * 24 * 3600 * 1000, 'must be between 1s and 7d').optional(),
});

const runtime = z.strictObject({
  image: z.union([z.string().min(1), imageByLanguage]).optional(),
  env: z.record(envName, z.union([z.string(), z.number(), z.boolean()]).transform(String)).optional(),
  secrets: z.array(envName.refine((name) => !isDaemonSetting(name), 'is a setting of the daemon, never handed to a task')).optional(),
  network: z.string().min(1).optional(),
  limits: limits.optional(),
});

const backoff = z.union([
  duration.transform((ms) => ({ initialMs: ms, factor: 1, maxMs: ms })),
  z
    .strictObject({ initial: duration, factor: z.number().min(1).default(2), max: duration.optional() })
    .transform((b) => ({ initialMs: b.initial, factor: b.factor, maxMs: b.max ?? b.initial * 32 })),
]);

const retries = z.strictObject({
  count: z.number().int().min(0).max(100).optional(),
  backoff: backoff.optional(),
});

const task = z.strictObject({
  script: z.string().min(1).optional(),
  runtime: runtime.optional(),
  retries: retries.optional(),
  approval: approvalSettingsSchema.optional(),
});

const schedule = z.strictObject({
  cron: z.string().refine(looksLikeCron, 'is not a cron expression of 5 or 6 fields'),
  timezone: z.string().refine(isTimeZone, 'is not an IANA time zone').default('UTC'),
  variables: z.record(z.string(), z.unknown()).default({}),
  overlap: z.enum(['skip', 'queue', 'allow']).default('skip'),
  catchUp: z.enum(['none', 'last', 'all']).default('last'),
});

const notifications = z.strictObject({
  onFailure: z.array(z.string().min(1)).default([]),
  onSuccess: z.array(z.string().min(1)).default([]),
});

const sidecarSchema = z.strictObject({
  runtime: runtime.default({}),
  retries: retries.default({}),
  tasks: z.record(z.string(), task).default({}),
  schedules: z.record(z.string().regex(/^[A-Za-z0-9_.-]+$/, 'is not a schedule id'), schedule).default({}),
  notifications: notifications.default({ onFailure: [], onSuccess: [] }),
});

type SidecarData = z.output<typeof sidecarSchema>;
export type RuntimeSettings = z.output<typeof runtime>;
export type RetrySettings = z.output<typeof retries>;
export type Backoff = z.output<typeof backoff>;
export type TaskSettings = z.output<typeof task>;
export type Notifications = z.output<typeof notifications>;
export type Schedule = z.output<typeof schedule> & { id: string };

export interface Sidecar extends Omit<SidecarData, 'schedules'> {
  file: string;
  schedules: Schedule[];
}

export type SidecarResult = { ok: true; sidecar: Sidecar } | { ok: false; diagnostics: Diagnostic[] };

/** Reads the sidecar's YAML text; an empty file is a sidecar with every default. */
export function parseSidecar(text: string, file: string): SidecarResult {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      diagnostics: doc.errors.map((e) => ({
        severity: 'error',
        rule: RULE,
        file,
        line: lineCounter.linePos(e.pos[0]).line,
        message: `the file is not valid YAML: ${e.message.split('\n')[0]}.`,
        fix: 'Fix the YAML syntax (indentation, quotes around values with a colon).',
      })),
    };
  }
  const parsed = sidecarSchema.safeParse(doc.toJS() ?? {});
  if (!parsed.success) {
    const lineOf = (path: readonly PropertyKey[]): number | undefined => {
      const node = doc.getIn(path.map(String), true) as { range?: [number, number, number] } | undefined;
      return node?.range ? lineCounter.linePos(node.range[0]).line : undefined;
    };
    return { ok: false, diagnostics: parsed.error.issues.map((issue) => toDiagnostic(issue, file, lineOf)) };
  }
  const { schedules, ...rest } = parsed.data;
  return {
    ok: true,
    sidecar: { file, ...rest, schedules: Object.entries(schedules).map(([id, s]) => ({ id, ...s })) },
  };
}

function toDiagnostic(
  issue: z.core.$ZodIssue,
  file: string,
  lineOf: (path: readonly PropertyKey[]) => number | undefined,
): Diagnostic {
  const path = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0] ?? ''] : issue.path;
  const keyPath = path.length === 0 ? '(top level)' : path.map(String).join('.');
  const element = path[0] === 'tasks' && path.length > 1 ? String(path[1]) : undefined;
  const message =
    issue.code === 'unrecognized_keys'
      ? `${keyPath}: unknown key "${issue.keys.join('", "')}".`
      : `${keyPath}: ${issue.message}.`;
  return {
    severity: 'error',
    rule: RULE,
    file,
    ...(element === undefined ? {} : { element }),
    ...withLine(lineOf(path) ?? lineOf(issue.path)),
    message,
    fix: fixFor(String(path[path.length - 1] ?? ''), issue.code),
  };
}

function withLine(line: number | undefined): { line?: number } {
  return line === undefined ? {} : { line };
}

function fixFor(key: string, code: string): string {
  if (code === 'unrecognized_keys') {
    return 'Remove the key or correct its spelling; the keys a sidecar knows are listed in the README.';
  }
  switch (key) {
    case 'timeout':
      return 'Write a duration from 1s to 7d, such as 30s, 10m or 2h.';
    case 'initial':
    case 'max':
    case 'backoff':
      return 'Write a duration such as 30s, 10m or 1h30m.';
    case 'memory':
      return 'Write a memory size such as 512m or 2g.';
    case 'cron':
      return 'Write five fields: minute hour day-of-month month day-of-week, e.g. "0 6 * * 1-5".';
    case 'timezone':
      return 'Use an IANA time zone name such as Europe/Berlin or UTC.';
    case 'overlap':
      return 'Use skip, queue or allow.';
    case 'catchUp':
      return 'Use none, last or all.';
    case 'secrets':
      return 'List the names of environment variables of the daemon, e.g. [WAREHOUSE_TOKEN]; names starting with PIPELANE_, DOCKER_, GIT_, ACTIONS_ or RUNNER_, GITHUB_TOKEN, GH_TOKEN and SSH_AUTH_SOCK are the daemon\'s own.';
    default:
      return 'Correct the value; the README describes each key of the sidecar.';
  }
}

const CRON_ALIASES = new Set(['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly']);

function looksLikeCron(text: string): boolean {
  const trimmed = text.trim();
  if (CRON_ALIASES.has(trimmed.toLowerCase())) return true;
  const fields = trimmed.split(/\s+/);
  return (fields.length === 5 || fields.length === 6) && fields.every((f) => /^[0-9A-Za-z*?/,#-]+$/.test(f));
}

function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

export { resolveTaskRuntime, type TaskRuntime } from './task-runtime.js';
