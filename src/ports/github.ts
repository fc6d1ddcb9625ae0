/**
 * The part of GitHub approvals need: issues and their comments, team
 * membership and repository permission. Repositories are `owner/name`.
 */
export interface IssueComment {
  id: number;
  body: string;
  authorLogin: string;
  /** GitHub's user type: `User`, `Bot`, `Organization`. */
  authorType: string;
  createdAt: string;
  updatedAt: string;
  url: string;
}

export interface Issue {
  number: number;
  url: string;
  authorLogin: string;
  isPullRequest: boolean;
  state: 'open' | 'closed';
}

export type RepositoryPermission = 'admin' | 'maintain' | 'write' | 'triage' | 'read' | 'none';

export interface GitHubClient {
  createIssue(repo: string, issue: { title: string; body: string; labels?: string[] }): Promise<Issue>;
  getIssue(repo: string, issueNumber: number): Promise<Issue>;
  closeIssue(repo: string, issueNumber: number): Promise<void>;
  createComment(repo: string, issueNumber: number, body: string): Promise<IssueComment>;
  /** Every comment (all pages), optionally only those updated at or after `since` (ISO 8601). */
  listComments(repo: string, issueNumber: number, since?: string): Promise<IssueComment[]>;
  /** An active member of the team `org/slug`. */
  isTeamMember(team: string, login: string): Promise<boolean>;
  permissionOf(repo: string, login: string): Promise<RepositoryPermission>;
}
