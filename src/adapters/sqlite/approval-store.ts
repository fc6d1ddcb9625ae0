/**
 * The ApprovalStore port on the Store's own SQLite connection: build it from
 * the connection a SqliteStore was built from, and `store.transaction(fn)`
 * covers its writes too.
 */
import type { Assignment } from '../../approvals/assignment.js';
import type {
  ApprovalLinkRecord,
  ApprovalStore,
  GitHubThreadRecord,
  TaskAssignmentRecord,
  VoteDecision,
  VoteRecord,
} from '../../ports/approval-store.js';
import { type Connection, fromJson, orNull, storeFailed } from './connection.js';
import { migrate } from './migrations.js';

interface LinkRow {
  token_hash: string;
  task_id: string;
  instance_id: string;
  person: string;
  email: string;
  created_at: number;
  expires_at: number;
  sent_at: number | null;
  used_at: number | null;
}

interface VoteRow {
  task_id: string;
  instance_id: string;
  voter: string;
  actor: string;
  decision: VoteDecision;
  comment: string | null;
  at: number;
}

interface ThreadRow {
  task_id: string;
  instance_id: string;
  repo: string;
  issue_number: number;
  created_issue: number;
  bot_login: string | null;
  own_comments: string;
  opened_at: number;
  state: 'open' | 'closed';
}

const LINK = 'token_hash, task_id, instance_id, person, email, created_at, expires_at, sent_at, used_at';
const VOTE = 'task_id, instance_id, voter, actor, decision, comment, at';
const THREAD = 'task_id, instance_id, repo, issue_number, created_issue, bot_login, own_comments, opened_at, state';

export class SqliteApprovalStore implements ApprovalStore {
  private readonly s;

  constructor(db: Connection) {
    try {
      migrate(db);
      this.s = {
        putAssignment: db.prepare<[string, string, string, number]>(
          `INSERT INTO task_assignments (task_id, instance_id, assignment, updated_at) VALUES (?, ?, ?, ?)
           ON CONFLICT (task_id) DO UPDATE SET assignment = excluded.assignment, updated_at = excluded.updated_at`,
        ),
        getAssignment: db.prepare<[string], { task_id: string; instance_id: string; assignment: string; updated_at: number }>(
          'SELECT task_id, instance_id, assignment, updated_at FROM task_assignments WHERE task_id = ?',
        ),
        putLink: db.prepare<LinkRow>(
          `INSERT INTO approval_links (${LINK}) VALUES (@token_hash, @task_id, @instance_id, @person, @email, @created_at, @expires_at, @sent_at, @used_at)
           ON CONFLICT (token_hash) DO UPDATE SET sent_at = excluded.sent_at, used_at = excluded.used_at, expires_at = excluded.expires_at`,
        ),
        getLink: db.prepare<[string], LinkRow>(`SELECT ${LINK} FROM approval_links WHERE token_hash = ?`),
        linksOf: db.prepare<[string], LinkRow>(`SELECT ${LINK} FROM approval_links WHERE task_id = ? ORDER BY created_at, rowid`),
        markSent: db.prepare<[number, string]>('UPDATE approval_links SET sent_at = ? WHERE token_hash = ? AND sent_at IS NULL'),
        useLink: db.prepare<[number, string]>('UPDATE approval_links SET used_at = ? WHERE token_hash = ? AND used_at IS NULL'),
        addVote: db.prepare<VoteRow>(
          `INSERT OR IGNORE INTO approval_votes (${VOTE}) VALUES (@task_id, @instance_id, @voter, @actor, @decision, @comment, @at)`,
        ),
        votesOf: db.prepare<[string], VoteRow>(`SELECT ${VOTE} FROM approval_votes WHERE task_id = ? ORDER BY at, rowid`),
        putThread: db.prepare<ThreadRow>(
          `INSERT INTO github_threads (${THREAD})
           VALUES (@task_id, @instance_id, @repo, @issue_number, @created_issue, @bot_login, @own_comments, @opened_at, @state)
           ON CONFLICT (task_id) DO UPDATE SET bot_login = excluded.bot_login, own_comments = excluded.own_comments, state = excluded.state`,
        ),
        getThread: db.prepare<[string], ThreadRow>(`SELECT ${THREAD} FROM github_threads WHERE task_id = ?`),
        threadsOfIssue: db.prepare<[string, number], ThreadRow>(
          `SELECT ${THREAD} FROM github_threads WHERE repo = ? AND issue_number = ? ORDER BY opened_at, rowid`,
        ),
        threadsIn: db.prepare<[string], ThreadRow>(`SELECT ${THREAD} FROM github_threads WHERE state = ? ORDER BY opened_at, rowid`),
      };
    } catch (error) {
      throw storeFailed(`open the approval tables of ${db.name}`, error);
    }
  }

  putAssignment(r: TaskAssignmentRecord): void {
    this.run('putAssignment', () => this.s.putAssignment.run(r.taskId, r.instanceId, JSON.stringify(r.assignment), r.updatedAt));
  }

  getAssignment(taskId: string): TaskAssignmentRecord | undefined {
    const row = this.run('getAssignment', () => this.s.getAssignment.get(taskId));
    return row && { taskId: row.task_id, instanceId: row.instance_id, assignment: fromJson<Assignment>(row.assignment), updatedAt: row.updated_at };
  }

  putLink(link: ApprovalLinkRecord): void {
    this.run('putLink', () =>
      this.s.putLink.run({
        token_hash: link.tokenHash, task_id: link.taskId, instance_id: link.instanceId, person: link.person, email: link.email,
        created_at: link.createdAt, expires_at: link.expiresAt, sent_at: orNull(link.sentAt), used_at: orNull(link.usedAt),
      }),
    );
  }

  getLink(tokenHash: string): ApprovalLinkRecord | undefined {
    const row = this.run('getLink', () => this.s.getLink.get(tokenHash));
    return row && linkOf(row);
  }

  listLinks(taskId: string): ApprovalLinkRecord[] {
    return this.run('listLinks', () => this.s.linksOf.all(taskId)).map(linkOf);
  }

  markLinkSent(tokenHash: string, at: number): void {
    this.run('markLinkSent', () => this.s.markSent.run(at, tokenHash));
  }

  useLink(tokenHash: string, at: number): boolean {
    return this.run('useLink', () => this.s.useLink.run(at, tokenHash).changes === 1);
  }

  addVote(v: VoteRecord): boolean {
    return this.run('addVote', () =>
      this.s.addVote.run({ task_id: v.taskId, instance_id: v.instanceId, voter: v.voter, actor: v.actor, decision: v.decision, comment: orNull(v.comment), at: v.at }).changes === 1,
    );
  }

  listVotes(taskId: string): VoteRecord[] {
    return this.run('listVotes', () => this.s.votesOf.all(taskId)).map((r) => ({
      taskId: r.task_id, instanceId: r.instance_id, voter: r.voter, actor: r.actor, decision: r.decision, at: r.at,
      ...(r.comment === null ? {} : { comment: r.comment }),
    }));
  }

  putThread(t: GitHubThreadRecord): void {
    this.run('putThread', () =>
      this.s.putThread.run({
        task_id: t.taskId, instance_id: t.instanceId, repo: t.repo, issue_number: t.issueNumber, created_issue: t.createdIssue ? 1 : 0,
        bot_login: orNull(t.botLogin), own_comments: JSON.stringify(t.ownComments), opened_at: t.openedAt, state: t.state,
      }),
    );
  }

  getThread(taskId: string): GitHubThreadRecord | undefined {
    const row = this.run('getThread', () => this.s.getThread.get(taskId));
    return row && threadOf(row);
  }

  threadsOfIssue(repo: string, issueNumber: number): GitHubThreadRecord[] {
    return this.run('threadsOfIssue', () => this.s.threadsOfIssue.all(repo, issueNumber)).map(threadOf);
  }

  listThreads(state: GitHubThreadRecord['state']): GitHubThreadRecord[] {
    return this.run('listThreads', () => this.s.threadsIn.all(state)).map(threadOf);
  }

  private run<T>(operation: string, fn: () => T): T {
    try {
      return fn();
    } catch (error) {
      throw storeFailed(operation, error);
    }
  }
}

function linkOf(r: LinkRow): ApprovalLinkRecord {
  return {
    tokenHash: r.token_hash, taskId: r.task_id, instanceId: r.instance_id, person: r.person, email: r.email, createdAt: r.created_at, expiresAt: r.expires_at,
    ...(r.sent_at === null ? {} : { sentAt: r.sent_at }),
    ...(r.used_at === null ? {} : { usedAt: r.used_at }),
  };
}

function threadOf(r: ThreadRow): GitHubThreadRecord {
  return {
    taskId: r.task_id, instanceId: r.instance_id, repo: r.repo, issueNumber: r.issue_number, createdIssue: r.created_issue === 1,
    ...(r.bot_login === null ? {} : { botLogin: r.bot_login }),
    ownComments: fromJson<number[]>(r.own_comments), openedAt: r.opened_at, state: r.state,
  };
}
