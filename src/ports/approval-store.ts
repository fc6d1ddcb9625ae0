/**
 * What approvals keep beside the Store: each task's resolved assignment, the
 * emailed links (only a hash of each token), the votes of a quorum, and the
 * GitHub issue or comment thread of a task. An adapter shares the Store's
 * connection, so `store.transaction(fn)` covers these writes too: a link is
 * used, a vote counted and the task completed in one commit.
 */
import type { Assignment } from '../approvals/assignment.js';

export interface TaskAssignmentRecord {
  taskId: string;
  instanceId: string;
  assignment: Assignment;
  updatedAt: number;
}

export interface ApprovalLinkRecord {
  /** SHA-256 of the token (hex); the token itself is only in the mail. */
  tokenHash: string;
  taskId: string;
  instanceId: string;
  /** The person key the link was made for. */
  person: string;
  email: string;
  createdAt: number;
  expiresAt: number;
  /** Set once the mail went out; a link without it is sent again after a restart. */
  sentAt?: number;
  /** Set by the POST that decided with it. */
  usedAt?: number;
}

export type VoteDecision = 'approve' | 'reject';

export interface VoteRecord {
  taskId: string;
  instanceId: string;
  /** Who voted: a person key, or `@login` for a GitHub user who is not in pipelane.yaml (a team member). */
  voter: string;
  /** The actor as the history names it (`email:ada`, `github:ada-l`). */
  actor: string;
  decision: VoteDecision;
  comment?: string;
  at: number;
}

export interface GitHubThreadRecord {
  taskId: string;
  instanceId: string;
  /** owner/name */
  repo: string;
  issueNumber: number;
  /** True when the pipeline opened the issue (and closes it at the end); false for a comment on a given issue or PR. */
  createdIssue: boolean;
  /** The login the pipeline writes as: its own comments never count as commands. */
  botLogin?: string;
  /** The ids of the comments the pipeline wrote. */
  ownComments: number[];
  openedAt: number;
  state: 'open' | 'closed';
}

export interface ApprovalStore {
  putAssignment(record: TaskAssignmentRecord): void;
  getAssignment(taskId: string): TaskAssignmentRecord | undefined;

  putLink(link: ApprovalLinkRecord): void;
  getLink(tokenHash: string): ApprovalLinkRecord | undefined;
  listLinks(taskId: string): ApprovalLinkRecord[];
  markLinkSent(tokenHash: string, at: number): void;
  /** Marks the link used; false when it was used already (a replayed POST). */
  useLink(tokenHash: string, at: number): boolean;

  /** Records a vote; false when this voter voted on the task already. */
  addVote(vote: VoteRecord): boolean;
  listVotes(taskId: string): VoteRecord[];

  putThread(thread: GitHubThreadRecord): void;
  getThread(taskId: string): GitHubThreadRecord | undefined;
  threadsOfIssue(repo: string, issueNumber: number): GitHubThreadRecord[];
  listThreads(state: GitHubThreadRecord['state']): GitHubThreadRecord[];
}
