/**
 * The GitHubClient port on octokit, against api.github.com or any server
 * that speaks its REST API (GitHub Enterprise: `baseUrl`). A failure becomes
 * GITHUB_FAILED naming the call; "not found" where it means "no" (a team
 * member, a collaborator) is an answer, not a failure.
 */
import { Octokit } from 'octokit';
import { PipelaneError } from '../../errors.js';
import type { GitHubClient, Issue, IssueComment, RepositoryPermission } from '../../ports/github.js';

export interface OctokitClientOptions {
  token?: string;
  baseUrl: string;
  /**
   * Octokit's throttling (on by default) spaces writes that notify people
   * seconds apart, as GitHub asks of integrations; a test server has no
   * such limit.
   */
  throttle?: boolean;
  /**
   * Octokit's own retry (on by default) repeats a request that failed with a
   * 5xx three times over about 14 s. The approvals retry longer outages
   * themselves; a test turns this off to see a single failure reach them.
   */
  retry?: boolean;
}

interface RawComment {
  id: number;
  body?: string | null;
  user: { login: string; type: string } | null;
  created_at: string;
  updated_at: string;
  html_url: string;
}

interface RawIssue {
  number: number;
  html_url: string;
  user: { login: string } | null;
  pull_request?: unknown;
  state: string;
}

export class OctokitGitHubClient implements GitHubClient {
  private readonly octokit: Octokit;

  constructor(options: OctokitClientOptions) {
    this.octokit = new Octokit({
      baseUrl: options.baseUrl.replace(/\/+$/, ''),
      ...(options.token ? { auth: options.token } : {}),
      userAgent: 'pipelane',
      // Waiting out a rate limit is the poller's business (it comes back on its own schedule).
      throttle: { enabled: options.throttle ?? true, onRateLimit: () => false, onSecondaryRateLimit: () => false },
      retry: { enabled: options.retry ?? true },
    });
  }

  async createIssue(repo: string, issue: { title: string; body: string; labels?: string[] }): Promise<Issue> {
    const { data } = await this.call(`create an issue in ${repo}`, () => this.octokit.rest.issues.create({ ...split(repo), ...issue }));
    return issueOf(data as RawIssue);
  }

  async getIssue(repo: string, issueNumber: number): Promise<Issue> {
    const { data } = await this.call(`read ${repo}#${issueNumber}`, () => this.octokit.rest.issues.get({ ...split(repo), issue_number: issueNumber }));
    return issueOf(data as RawIssue);
  }

  async closeIssue(repo: string, issueNumber: number): Promise<void> {
    await this.call(`close ${repo}#${issueNumber}`, () => this.octokit.rest.issues.update({ ...split(repo), issue_number: issueNumber, state: 'closed' }));
  }

  async createComment(repo: string, issueNumber: number, body: string): Promise<IssueComment> {
    const { data } = await this.call(`comment on ${repo}#${issueNumber}`, () => this.octokit.rest.issues.createComment({ ...split(repo), issue_number: issueNumber, body }));
    return commentOf(data as RawComment);
  }

  async listComments(repo: string, issueNumber: number, since?: string): Promise<IssueComment[]> {
    const comments = await this.call(`list the comments of ${repo}#${issueNumber}`, () =>
      this.octokit.paginate(this.octokit.rest.issues.listComments, { ...split(repo), issue_number: issueNumber, per_page: 100, ...(since ? { since } : {}) }),
    );
    return (comments as RawComment[]).map(commentOf);
  }

  async isTeamMember(team: string, login: string): Promise<boolean> {
    const [org, slug] = team.split('/') as [string, string];
    try {
      const { data } = await this.octokit.rest.teams.getMembershipForUserInOrg({ org, team_slug: slug, username: login });
      return data.state === 'active';
    } catch (error) {
      if (status(error) === 404) return false;
      throw failed(`check whether ${login} is in the team ${team}`, error);
    }
  }

  async permissionOf(repo: string, login: string): Promise<RepositoryPermission> {
    try {
      const { data } = await this.octokit.rest.repos.getCollaboratorPermissionLevel({ ...split(repo), username: login });
      const role = (data as { role_name?: string }).role_name;
      const level = role && ['admin', 'maintain', 'write', 'triage', 'read'].includes(role) ? role : data.permission;
      return (['admin', 'maintain', 'write', 'triage', 'read'].includes(level) ? level : 'none') as RepositoryPermission;
    } catch (error) {
      if (status(error) === 404) return 'none';
      throw failed(`read the permission of ${login} on ${repo}`, error);
    }
  }

  private async call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      throw failed(what, error);
    }
  }
}

function split(repo: string): { owner: string; repo: string } {
  const [owner, name] = repo.split('/');
  if (!owner || !name) throw new PipelaneError('CONFIG_INVALID', `"${repo}" is not a GitHub repository (owner/name).`);
  return { owner, repo: name };
}

function issueOf(d: RawIssue): Issue {
  return { number: d.number, url: d.html_url, authorLogin: d.user?.login ?? '', isPullRequest: d.pull_request !== undefined && d.pull_request !== null, state: d.state === 'closed' ? 'closed' : 'open' };
}

function commentOf(d: RawComment): IssueComment {
  return { id: d.id, body: d.body ?? '', authorLogin: d.user?.login ?? '', authorType: d.user?.type ?? 'User', createdAt: d.created_at, updatedAt: d.updated_at, url: d.html_url };
}

function status(error: unknown): number | undefined {
  return typeof error === 'object' && error !== null && typeof (error as { status?: unknown }).status === 'number' ? (error as { status: number }).status : undefined;
}

function failed(what: string, error: unknown): PipelaneError {
  const code = status(error);
  const message = error instanceof Error ? error.message : String(error);
  return new PipelaneError('GITHUB_FAILED', `GitHub: cannot ${what}${code ? ` (HTTP ${code})` : ''}: ${message}`, { cause: error });
}
