/**
 * A person's decision on a task, from an emailed link or a GitHub comment:
 * approve, reject (with a reason) or submit form values; a task without a
 * form takes the decision and the comment only, any other value is refused.
 * An approval may need a quorum of N distinct people; the first rejection
 * decides. The vote and, when it settles the task, the completion commit
 * together; the completion itself goes through completeUserTask, so the
 * first decision wins across every channel.
 */
import { PipelaneError } from '../errors.js';
import { DEFAULT_APPROVAL_SETTINGS, type ApprovalSettings } from '../model/approval-settings.js';
import type { ApprovalStore, VoteRecord } from '../ports/approval-store.js';
import type { Store, UserTaskRecord } from '../ports/store.js';
import { completeUserTask, labelOf } from './complete-task.js';
import { checkSubmission, FormInvalidError, formOfTask, taskNode, type TaskForm } from './task-form.js';

export type DecisionKind = 'approve' | 'reject' | 'submit';

export interface Decider {
  /** `email:ada`, `github:ada-l`: the channel and who, as the history names them. */
  actor: string;
  /** The vote's key: a person key, or `@login` for a team member not listed in pipelane.yaml. */
  voter: string;
  /** The decider is the author of what the task is about (the pull request the thread is on). */
  isSubjectAuthor?: boolean;
}

export interface DecisionRequest {
  taskId: string;
  by: Decider;
  kind: DecisionKind;
  comment?: string;
  /** Form values as given (text from a page or a comment). */
  values?: Record<string, unknown>;
}

export type DecisionResult =
  | { outcome: 'completed'; task: UserTaskRecord; variables: Record<string, unknown> }
  | { outcome: 'counted'; approvals: number; needed: number };

export interface DecisionContext {
  store: Store;
  approvals: ApprovalStore;
  at: number;
  /** Also in the deciding transaction (an emailed link marked used). */
  alsoInTransaction?: () => void;
}

export function settingsOf(store: Store, task: UserTaskRecord): ApprovalSettings {
  const instance = store.getInstance(task.instanceId);
  const deployment = instance && store.getDeployment(instance.deploymentId);
  return deployment?.sidecar?.tasks[task.elementId]?.approval ?? DEFAULT_APPROVAL_SETTINGS;
}

export function formOf(store: Store, task: UserTaskRecord): TaskForm {
  const instance = store.getInstance(task.instanceId);
  const deployment = instance && store.getDeployment(instance.deploymentId);
  if (!deployment) throw new PipelaneError('INSTANCE_NOT_FOUND', `the instance of ${labelOf(task)} is gone.`);
  return formOfTask(deployment, taskNode(deployment, task.processId, task.elementId));
}

export function decide(ctx: DecisionContext, request: DecisionRequest): DecisionResult {
  const { store, approvals, at } = ctx;
  const task = store.getUserTask(request.taskId);
  if (!task) throw new PipelaneError('TASK_NOT_FOUND', `there is no task ${request.taskId}.`);
  const settings = settingsOf(store, task);
  const form = formOf(store, task);
  const kind = request.kind === 'submit' && form.approval && request.values?.['approved'] !== undefined
    ? (String(request.values['approved']) === 'true' ? 'approve' : 'reject')
    : request.kind;
  if (kind === 'submit' && form.approval) throw new PipelaneError('BAD_REQUEST', `${labelOf(task)} is an approval: approve or reject it.`);
  if (kind !== 'submit' && !form.approval) throw new PipelaneError('BAD_REQUEST', `${labelOf(task)} is a form: submit its fields (${form.fields.map((f) => f.id).join(', ')}).`);
  if (kind === 'approve' && !settings.allowSelfApproval && isSelf(store, task, request.by)) {
    throw new PipelaneError('FORBIDDEN', `${labelOf(task)} may not be approved by the person it is about (allowSelfApproval is false): someone else must approve it.`);
  }
  const { approved: _a, comment: _c, ...values } = request.values ?? {};
  // Without a form nothing says which variables a person may set: a link or a comment carries the decision and the comment only.
  if (form.source === undefined && Object.keys(values).length > 0) {
    throw new FormInvalidError(Object.keys(values).map((field) => ({ field, message: `"${field}" is not a field of this task: a task without a form takes only the decision and a comment.` })), labelOf(task));
  }
  const variables: Record<string, unknown> = kind === 'submit' ? { ...values } : { ...values, approved: kind === 'approve', comment: request.comment ?? '' };
  // Check the values now, so a bad form is refused before a vote is counted.
  const typed = checkSubmission(form, variables, labelOf(task));
  if (kind === 'submit' || (kind === 'approve' && settings.quorum <= 1) || kind === 'reject') {
    const done = completeUserTask(store, task.id, typed, request.by.actor, at, {
      alsoInTransaction: () => {
        if (kind !== 'submit') recordVote(ctx, task, request, kind);
        ctx.alsoInTransaction?.();
      },
    });
    return { outcome: 'completed', task: done, variables: typed };
  }
  return store.transaction(() => {
    if (store.getUserTask(task.id)?.state !== 'open') {
      // Decided meanwhile: completeUserTask tells who and when.
      completeUserTask(store, task.id, typed, request.by.actor, at);
    }
    recordVote(ctx, task, request, 'approve');
    const approvals = approvals_(ctx, task.id);
    if (approvals.length < settings.quorum) {
      ctx.alsoInTransaction?.();
      return { outcome: 'counted' as const, approvals: approvals.length, needed: settings.quorum };
    }
    const comment = approvals.map((v) => v.comment).filter((c): c is string => !!c).join('\n');
    const final = { ...typed, comment };
    const done = completeUserTask(store, task.id, final, request.by.actor, at, { ...(ctx.alsoInTransaction ? { alsoInTransaction: ctx.alsoInTransaction } : {}) });
    return { outcome: 'completed' as const, task: done, variables: final };
  });
}

function approvals_(ctx: DecisionContext, taskId: string): VoteRecord[] {
  return ctx.approvals.listVotes(taskId).filter((v) => v.decision === 'approve');
}

function recordVote(ctx: DecisionContext, task: UserTaskRecord, request: DecisionRequest, decision: 'approve' | 'reject'): void {
  const vote: VoteRecord = {
    taskId: task.id, instanceId: task.instanceId, voter: request.by.voter, actor: request.by.actor, decision, at: ctx.at,
    ...(request.comment ? { comment: request.comment } : {}),
  };
  if (!ctx.approvals.addVote(vote)) {
    const earlier = ctx.approvals.listVotes(task.id).find((v) => v.voter === request.by.voter);
    throw new PipelaneError('CONFLICT', `${request.by.voter} already voted on ${labelOf(task)} (${earlier?.decision ?? decision}${earlier ? ` at ${new Date(earlier.at).toISOString()}` : ''}); each person counts once.`);
  }
  ctx.store.appendHistory({
    instanceId: task.instanceId, at: ctx.at, type: 'approvalVote', actor: request.by.actor,
    data: { taskId: task.id, elementId: task.elementId, decision, ...(request.comment ? { comment: request.comment } : {}) },
  });
}

/** The person who started the instance, or the author of the pull request the task is discussed on. */
function isSelf(store: Store, task: UserTaskRecord, by: Decider): boolean {
  if (by.isSubjectAuthor) return true;
  const start = store.listHistory(task.instanceId).find((h) => h.type === 'start');
  if (!start) return false;
  const starter = start.actor.toLowerCase();
  return starter === by.actor.toLowerCase() || starter.endsWith(`:${by.voter.replace(/^@/, '').toLowerCase()}`);
}
