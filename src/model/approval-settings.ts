/**
 * `tasks.<userTaskId>.approval` of a sidecar: how a user task reaches people
 * and what it shows them. Every key is optional.
 *
 * ```yaml
 * tasks:
 *   approve:
 *     approval:
 *       channels: [email, github]     # default: email
 *       context: [auc, modelVersion]  # variables shown in the mail, the issue and the page
 *       attachments: [report.html]    # files of the instance's /workspace, attached to the mail
 *       maxAttachmentSize: 10m        # all attachments of one mail together (default 10m)
 *       linkTtl: 7d                   # how long an emailed link works (default 7d)
 *       quorum: 2                     # approvals needed; the first rejection decides (default 1)
 *       allowSelfApproval: false      # the person who started the instance may not approve (default true)
 *       github: { issue: "=prNumber" }  # comment on this issue or PR instead of opening an issue
 *       timers:                       # non-interrupting timer boundary events of this task
 *         remindAfter2d: remind       # mail the candidates again (the default for any such timer)
 *         escalate: { reassignTo: [ml-leads] }  # the task goes to these people or groups instead
 * ```
 */
import { z } from 'zod';
import type { Diagnostic } from './diagnostic.js';
import type { DeploymentModel } from './process-model.js';
import { parseDuration, parseMemory } from './units.js';

const ms = z.string().transform((text, ctx) => {
  const value = parseDuration(text);
  if (value === undefined) ctx.addIssue({ code: 'custom', message: `"${text}" is not a duration` });
  return value ?? 0;
});

const bytes = z.union([z.string(), z.number()]).transform((value, ctx) => {
  const size = parseMemory(String(value));
  if (size === undefined) ctx.addIssue({ code: 'custom', message: `"${value}" is not a size such as 5m` });
  return size ?? 0;
});

export const CHANNELS = ['email', 'github'] as const;
export type ChannelName = (typeof CHANNELS)[number];

const timerAction = z.union([
  z.literal('remind').transform(() => ({ action: 'remind' as const })),
  z.strictObject({ reassignTo: z.array(z.string().min(1)).min(1) }).transform((r) => ({ action: 'reassign' as const, to: r.reassignTo })),
]);

export const approvalSettingsSchema = z
  .strictObject({
    channels: z.union([z.enum(CHANNELS), z.array(z.enum(CHANNELS))]).optional(),
    channel: z.enum(CHANNELS).optional(),
    context: z.array(z.string().min(1)).default([]),
    attachments: z.array(z.string().min(1).refine((p) => !p.split(/[\\/]/).includes('..') && !p.startsWith('/'), 'must stay inside /workspace')).default([]),
    maxAttachmentSize: bytes.default(10 * 1024 * 1024),
    linkTtl: ms.default(7 * 86_400_000),
    quorum: z.number().int().min(1).max(100).default(1),
    allowSelfApproval: z.boolean().default(true),
    github: z.strictObject({ issue: z.union([z.number().int().positive(), z.string().min(1)]).optional() }).optional(),
    timers: z.record(z.string(), timerAction).default({}),
  })
  .transform(({ channel, channels, ...rest }) => ({
    ...rest,
    channels: channels === undefined ? (channel === undefined ? ['email' as const] : [channel]) : Array.isArray(channels) ? channels : [channels],
  }));

export type ApprovalSettings = z.output<typeof approvalSettingsSchema>;
export type TimerAction = ApprovalSettings['timers'][string];

export const DEFAULT_APPROVAL_SETTINGS: ApprovalSettings = approvalSettingsSchema.parse({});

/**
 * What the loader can check of a model's user tasks before anything runs: a
 * form in the file that cannot be used, approval settings on an element that
 * is no user task, a `timers` key that is no non-interrupting timer boundary
 * event of the task.
 */
export function approvalDiagnostics(model: DeploymentModel, sidecar: { file: string; tasks: Record<string, { approval?: ApprovalSettings | undefined }> } | undefined): Diagnostic[] {
  const out: Diagnostic[] = [];
  const nodes = Object.values(model.processes).flatMap((p) => Object.values(p.nodes));
  for (const node of nodes) {
    if (node.formProblem) {
      out.push({ severity: 'error', rule: 'pipelane/form', file: model.file, element: node.id, message: `the form of user task ${node.id} cannot be used: ${node.formProblem}.`, fix: 'Use field types string, long, boolean, date or enum and the constraints required, readonly, min, max, minlength, maxlength or pattern.' });
    }
  }
  for (const [id, settings] of Object.entries(sidecar?.tasks ?? {})) {
    if (!settings.approval) continue;
    const node = nodes.find((n) => n.id === id);
    if (node && node.type !== 'userTask') {
      out.push({ severity: 'error', rule: 'pipelane/sidecar', file: sidecar!.file, element: id, message: `tasks.${id}.approval configures ${id}, which is a ${node.type}, not a user task.`, fix: 'Move the approval settings to the user task they are for.' });
    }
    for (const timer of Object.keys(settings.approval.timers)) {
      const boundary = nodes.find((n) => n.id === timer);
      if (boundary?.type === 'boundaryEvent' && boundary.attachedTo === id && !boundary.cancelActivity && boundary.eventDefinitions.some((d) => d.kind === 'timer')) continue;
      out.push({ severity: 'error', rule: 'pipelane/sidecar', file: sidecar!.file, element: timer, message: `tasks.${id}.approval.timers.${timer} names no non-interrupting timer boundary event of ${id}.`, fix: `Use the id of a timer boundary event attached to ${id} with "Interrupting" off (cancelActivity="false").` });
    }
  }
  return out;
}
