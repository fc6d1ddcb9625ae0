/**
 * A local HTTP server that speaks the parts of the GitHub REST API the
 * approvals use, with responses shaped like GitHub's documented examples:
 * issues (create, get, update), issue comments (create, list with `since`
 * and Link-header pagination), team membership and collaborator permission.
 * The production octokit client talks to it through `baseUrl`. Tests add
 * people's comments and deliver them as signed `issue_comment` webhooks.
 */
import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach } from 'vitest';

interface User {
  login: string;
  id: number;
  type: string;
}

interface Issue {
  number: number;
  title: string;
  body: string;
  state: 'open' | 'closed';
  labels: string[];
  user: User;
  pull: boolean;
  created_at: string;
  updated_at: string;
}

interface Comment {
  id: number;
  issue: number;
  body: string;
  user: User;
  created_at: string;
  updated_at: string;
}

export class FakeGitHub {
  url = '';
  readonly requests: { method: string; path: string; auth?: string }[] = [];
  readonly issues = new Map<string, Issue>();
  readonly comments: (Comment & { repo: string })[] = [];
  /** team `org/slug` → active members */
  readonly teams = new Map<string, string[]>();
  /** `owner/name` → login → role name */
  readonly permissions = new Map<string, Record<string, string>>();
  readonly bot: User = { login: 'pipelane-bot', id: 900, type: 'User' };
  private server: Server | undefined;
  private readonly failures: { method: string; path: RegExp; status: number; left: number }[] = [];
  private nextId = 1000;
  private nextUser = 1;

  /** Listens on a free port, with nothing stored yet (a restarted one forgets the test before). */
  async start(): Promise<string> {
    this.requests.length = 0;
    this.issues.clear();
    this.comments.length = 0;
    this.teams.clear();
    this.permissions.clear();
    this.failures.length = 0;
    this.nextId = 1000;
    this.nextUser = 1;
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server?.closeAllConnections();
      this.server?.close(() => resolve());
    });
  }

  /** The next `times` requests of `method` to a path matching `path` get `status` (a GitHub outage), before anything else happens. */
  failNext(method: string, path: RegExp, status = 502, times = 1): void {
    this.failures.push({ method, path, status, left: times });
  }

  user(login: string, type = login.endsWith('[bot]') ? 'Bot' : 'User'): User {
    return { login, id: this.nextUser++, type };
  }

  /** An issue or pull request someone else opened (for the channel's comment-on-an-issue mode). */
  addIssue(repo: string, author: string, options: { pull?: boolean; title?: string } = {}): number {
    const number = [...this.issues.keys()].filter((k) => k.startsWith(`${repo}#`)).length + 1;
    const now = new Date().toISOString();
    this.issues.set(`${repo}#${number}`, { number, title: options.title ?? 'Change', body: '', state: 'open', labels: [], user: this.user(author), pull: options.pull ?? false, created_at: now, updated_at: now });
    return number;
  }

  /** A person's comment; `edited` makes updated_at later than created_at, as GitHub does after an edit. */
  addComment(repo: string, issue: number, login: string, body: string, options: { edited?: boolean; type?: string } = {}): Comment & { repo: string } {
    const created = new Date(Date.now() - (options.edited ? 60_000 : 0)).toISOString();
    const comment = { id: this.nextId++, repo, issue, body, user: this.user(login, options.type), created_at: created, updated_at: options.edited ? new Date().toISOString() : created };
    this.comments.push(comment);
    return comment;
  }

  issuesOf(repo: string): Issue[] {
    return [...this.issues.entries()].filter(([k]) => k.startsWith(`${repo}#`)).map(([, v]) => v);
  }

  commentsOn(repo: string, issue: number): Comment[] {
    return this.comments.filter((c) => c.repo === repo && c.issue === issue);
  }

  /** Delivers an issue_comment webhook for the comment to `target`, signed with `secret`. */
  async deliver(target: string, secret: string, comment: Comment & { repo: string }, options: { action?: string; signature?: string; delivery?: string } = {}): Promise<{ status: number; body: unknown }> {
    const issue = this.issues.get(`${comment.repo}#${comment.issue}`)!;
    const payload = JSON.stringify({
      action: options.action ?? 'created',
      issue: this.issueJson(comment.repo, issue),
      comment: this.commentJson(comment.repo, comment),
      repository: { id: 1, name: comment.repo.split('/')[1], full_name: comment.repo, owner: { login: comment.repo.split('/')[0] } },
      sender: comment.user,
    });
    const signature = options.signature ?? `sha256=${createHmac('sha256', secret).update(payload).digest('hex')}`;
    const res = await fetch(`${target}/webhooks/github`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-github-event': 'issue_comment', 'x-github-delivery': options.delivery ?? `d-${comment.id}-${options.action ?? 'created'}`, 'x-hub-signature-256': signature },
      body: payload,
    });
    return { status: res.status, body: await res.json() };
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const method = req.method ?? 'GET';
    this.requests.push({ method, path: url.pathname + url.search, ...(req.headers.authorization ? { auth: req.headers.authorization } : {}) });
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = chunks.length ? (JSON.parse(Buffer.concat(chunks).toString()) as Record<string, unknown>) : {};
    const p = url.pathname.split('/').filter(Boolean);
    const send = (status: number, json: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
      res.end(JSON.stringify(json));
    };
    const notFound = () => send(404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest', status: '404' });
    const failure = this.failures.find((f) => f.left > 0 && f.method === method && f.path.test(url.pathname));
    if (failure) {
      failure.left -= 1;
      return send(failure.status, { message: 'Server Error', documentation_url: 'https://docs.github.com/rest', status: String(failure.status) });
    }
    const repo = p[0] === 'repos' ? `${p[1]}/${p[2]}` : '';
    if (method === 'POST' && p[0] === 'repos' && p[3] === 'issues' && p.length === 4) {
      const number = this.issuesOf(repo).length + 1;
      const now = new Date().toISOString();
      const issue: Issue = { number, title: String(body['title']), body: String(body['body'] ?? ''), state: 'open', labels: (body['labels'] as string[]) ?? [], user: this.bot, pull: false, created_at: now, updated_at: now };
      this.issues.set(`${repo}#${number}`, issue);
      return send(201, this.issueJson(repo, issue));
    }
    if (p[0] === 'repos' && p[3] === 'issues' && p.length === 5) {
      const issue = this.issues.get(`${repo}#${p[4]}`);
      if (!issue) return notFound();
      if (method === 'PATCH' && body['state']) issue.state = body['state'] as 'open' | 'closed';
      return send(200, this.issueJson(repo, issue));
    }
    if (p[0] === 'repos' && p[3] === 'issues' && p[5] === 'comments') {
      const number = Number(p[4]);
      if (!this.issues.get(`${repo}#${number}`)) return notFound();
      if (method === 'POST') {
        const now = new Date().toISOString();
        const comment = { id: this.nextId++, repo, issue: number, body: String(body['body']), user: this.bot, created_at: now, updated_at: now };
        this.comments.push(comment);
        return send(201, this.commentJson(repo, comment));
      }
      const since = url.searchParams.get('since');
      const all = this.commentsOn(repo, number).filter((c) => !since || c.updated_at >= since);
      const perPage = Number(url.searchParams.get('per_page') ?? 30);
      const page = Number(url.searchParams.get('page') ?? 1);
      const last = Math.max(1, Math.ceil(all.length / perPage));
      const link = (n: number) => { const u = new URL(url); u.searchParams.set('page', String(n)); return u.toString(); };
      const links = [page < last ? `<${link(page + 1)}>; rel="next"` : '', `<${link(last)}>; rel="last"`].filter(Boolean).join(', ');
      return send(200, all.slice((page - 1) * perPage, page * perPage).map((c) => this.commentJson(repo, c)), { link: links });
    }
    if (method === 'GET' && p[0] === 'orgs' && p[2] === 'teams' && p[4] === 'memberships') {
      const members = this.teams.get(`${p[1]}/${p[3]}`) ?? [];
      if (!members.includes(p[5]!)) return notFound();
      return send(200, { url: `${this.url}/teams/1/memberships/${p[5]}`, role: 'member', state: 'active' });
    }
    if (method === 'GET' && p[0] === 'repos' && p[3] === 'collaborators' && p[5] === 'permission') {
      const role = this.permissions.get(repo)?.[p[4]!];
      if (!role) return notFound();
      const permission = role === 'maintain' ? 'write' : role === 'triage' ? 'read' : role;
      return send(200, { permission, role_name: role, user: { ...this.user(p[4]!), permissions: {} } });
    }
    return notFound();
  }

  private issueJson(repo: string, i: Issue): Record<string, unknown> {
    return {
      id: i.number + 5000, node_id: `I_${i.number}`, url: `${this.url}/repos/${repo}/issues/${i.number}`, html_url: `https://github.com/${repo}/${i.pull ? 'pull' : 'issues'}/${i.number}`,
      number: i.number, state: i.state, title: i.title, body: i.body, user: i.user, labels: i.labels.map((name) => ({ name })), locked: false, comments: this.commentsOn(repo, i.number).length,
      created_at: i.created_at, updated_at: i.updated_at, closed_at: i.state === 'closed' ? new Date().toISOString() : null, author_association: 'MEMBER',
      ...(i.pull ? { pull_request: { url: `${this.url}/repos/${repo}/pulls/${i.number}`, html_url: `https://github.com/${repo}/pull/${i.number}` } } : {}),
    };
  }

  private commentJson(repo: string, c: Comment): Record<string, unknown> {
    return {
      id: c.id, node_id: `IC_${c.id}`, url: `${this.url}/repos/${repo}/issues/comments/${c.id}`, html_url: `https://github.com/${repo}/issues/${c.issue}#issuecomment-${c.id}`,
      body: c.body, user: c.user, created_at: c.created_at, updated_at: c.updated_at, issue_url: `${this.url}/repos/${repo}/issues/${c.issue}`, author_association: 'MEMBER',
    };
  }
}

/** The webhook secret and the repository the GitHub tests configure. */
export const WEBHOOK_SECRET = 'webhook-secret-123';
export const REPO = 'acme/models';

/** One FakeGitHub for a test file, started afresh before each test and closed after it. */
export function fakeGitHubPerTest(): FakeGitHub {
  const github = new FakeGitHub();
  beforeEach(() => github.start());
  afterEach(() => github.close());
  return github;
}
