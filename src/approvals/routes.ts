/**
 * The pages an emailed link opens. `GET /approvals/:token` shows the task
 * (a confirmation page or its form) and never decides, so mail scanners and
 * link prefetchers cannot approve; `POST /approvals/:token` decides, with a
 * CSRF token bound to the link and a cookie. A forged, expired or used link
 * changes nothing and says why. Open routes: the link token is the
 * credential.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { PipelaneError, toError } from '../errors.js';
import type { ApprovalLinkRecord, ApprovalStore } from '../ports/approval-store.js';
import type { Store } from '../ports/store.js';
import type { Route } from '../http/router.js';
import { decide, type DecisionKind, type DecisionResult } from './decide.js';
import { decisionPage, messagePage } from './pages.js';
import { describeOutcome, outcomeOf } from './outcome.js';
import { FormInvalidError } from './task-form.js';
import { taskView } from './task-view.js';
import { openWorkspaceFile } from './workspace-files.js';
import { CSRF_COOKIE, type CsrfGuard, hashToken, looksLikeToken } from './tokens.js';

export interface ApprovalRouteDeps {
  store: Store;
  approvals: ApprovalStore;
  csrf: CsrfGuard;
  workspacesDir: string;
  /** The daemon's public URL (https makes the cookie Secure); a POST is accepted from its origin or the request's own host. */
  publicUrl(): string;
  now(): number;
  /** After a decision committed: apply the outbox, post to GitHub. */
  afterDecision(taskId: string, result: DecisionResult): void;
}

const MAX_FORM_BYTES = 64 * 1024;
const BASE = '/approvals';

export function approvalRoutes(deps: ApprovalRouteDeps): Route[] {
  return [
    { method: 'GET', pattern: `${BASE}/:token`, open: true, handler: ({ req, res, params }) => show(deps, req, res, params['token']!) },
    { method: 'POST', pattern: `${BASE}/:token`, open: true, handler: ({ req, res, params }) => submit(deps, req, res, params['token']!) },
    { method: 'GET', pattern: `${BASE}/:token/files/:name`, open: true, handler: ({ res, params }) => file(deps, res, params['token']!, params['name']!) },
  ];
}

type Link = { ok: true; link: ApprovalLinkRecord; hash: string } | { ok: false; status: number; title: string; message: string };

function findLink(deps: ApprovalRouteDeps, token: string): Link {
  const invalid = { ok: false as const, status: 404, title: 'This link is not valid', message: 'The link is not one Pipelane sent, or it was copied incompletely. Nothing was changed. Open the link from the mail again, or ask the process owner for a new one.' };
  if (!looksLikeToken(token)) return invalid;
  const hash = hashToken(token);
  const link = deps.approvals.getLink(hash);
  if (!link) return invalid;
  if (link.expiresAt <= deps.now()) {
    return { ok: false, status: 410, title: 'This link has expired', message: `The link stopped working at ${new Date(link.expiresAt).toISOString()} (links expire after a while, and when a task is reassigned). Nothing was changed.` };
  }
  return { ok: true, link, hash };
}

async function show(deps: ApprovalRouteDeps, req: IncomingMessage, res: ServerResponse, token: string): Promise<undefined> {
  const found = findLink(deps, token);
  if (!found.ok) return html(res, found.status, messagePage(found.title, found.message));
  const { link, hash } = found;
  const task = deps.store.getUserTask(link.taskId);
  if (!task) return html(res, 404, messagePage('This task is gone', 'The task of this link no longer exists. Nothing was changed.'));
  const closed = closedMessage(deps, link);
  if (closed) return html(res, 200, messagePage(closed.title, closed.message));
  const nonce = cookieOf(req, CSRF_COOKIE) ?? deps.csrf.newNonce();
  const view = taskView(deps.store, deps.approvals, task);
  return html(res, 200, decisionPage(view, { action: `${BASE}/${token}`, csrf: deps.csrf.tokenFor(nonce, hash), person: link.person, ...progressOf(deps, link) }), {
    'set-cookie': cookie(deps, nonce),
  });
}

async function submit(deps: ApprovalRouteDeps, req: IncomingMessage, res: ServerResponse, token: string): Promise<undefined> {
  const found = findLink(deps, token);
  if (!found.ok) {
    req.resume();
    return html(res, found.status, messagePage(found.title, found.message));
  }
  const { link, hash } = found;
  const origin = req.headers.origin;
  if (origin && !sameOrigin(origin, req.headers.host, deps.publicUrl())) {
    req.resume();
    return html(res, 403, messagePage('Refused', `The form was sent from ${origin}, not from this site. Nothing was changed.`));
  }
  const form = await readForm(req);
  const nonce = cookieOf(req, CSRF_COOKIE);
  if (!deps.csrf.check(nonce, form['csrf'], hash)) {
    return html(res, 403, messagePage('This confirmation could not be checked', 'The page was too old, or the form did not come from it (cookies must be allowed for this site). Nothing was changed. Open the link from your mail again.'));
  }
  const closed = closedMessage(deps, link);
  if (closed) return html(res, 409, messagePage(closed.title, closed.message));
  const kind = form['decision'];
  if (kind !== 'approve' && kind !== 'reject' && kind !== 'submit') return html(res, 400, messagePage('No decision', 'Press Approve, Reject or Submit. Nothing was changed.'));
  const { csrf: _c, decision: _d, comment, ...values } = form;
  const at = deps.now();
  let result: DecisionResult;
  try {
    result = decide(
      { store: deps.store, approvals: deps.approvals, at, alsoInTransaction: () => useOnce(deps, hash, at) },
      { taskId: link.taskId, by: { actor: `email:${link.person}`, voter: link.person }, kind: kind as DecisionKind, ...(comment ? { comment } : {}), values },
    );
  } catch (error) {
    const e = toError(error);
    if (e instanceof FormInvalidError) {
      const task = deps.store.getUserTask(link.taskId)!;
      const view = taskView(deps.store, deps.approvals, task);
      return html(res, 422, decisionPage(view, { action: `${BASE}/${token}`, csrf: form['csrf']!, person: link.person, errors: e.fields, values: form }));
    }
    if (e.code === 'CONFLICT' || e.code === 'FORBIDDEN' || e.code === 'BAD_REQUEST') return html(res, e.status, messagePage('Not decided', e.message));
    throw e;
  }
  deps.afterDecision(link.taskId, result);
  if (result.outcome === 'counted') {
    return html(res, 200, messagePage('Your approval is recorded', `Thank you. ${result.approvals} of ${result.needed} approvals so far; the task is decided when ${result.needed} people have approved.`));
  }
  const verb = result.variables['approved'] === true ? 'Approved' : result.variables['approved'] === false ? 'Rejected' : 'Submitted';
  return html(res, 200, messagePage(verb, `Thank you, ${link.person}. Your decision is recorded and the process goes on.`));
}

async function file(deps: ApprovalRouteDeps, res: ServerResponse, token: string, name: string): Promise<undefined> {
  const found = findLink(deps, token);
  if (!found.ok) return html(res, found.status, messagePage(found.title, found.message));
  const task = deps.store.getUserTask(found.link.taskId);
  const listed = task ? taskView(deps.store, deps.approvals, task).attachments.includes(name) : false;
  const opened = listed ? await openWorkspaceFile(deps.workspacesDir, found.link.instanceId, name) : undefined;
  if (!opened) return html(res, 404, messagePage('No such file', `${name} is not a file of this task's workspace.`));
  res.writeHead(200, {
    'content-type': 'application/octet-stream', 'content-length': opened.size, 'cache-control': 'no-store',
    'content-disposition': `attachment; filename="${name.split('/').at(-1)!.replace(/["\\]/g, '_')}"`, 'x-content-type-options': 'nosniff',
  });
  if (opened.size === 0) {
    await opened.handle.close();
    res.end();
    return undefined;
  }
  // The stream reads the handle that was checked, never the path again, and closes it; a client that goes away mid-download is no error.
  await pipeline(opened.handle.createReadStream({ end: opened.size - 1 }), res).catch(() => undefined);
  return undefined;
}

/** Inside the deciding transaction: a link decides once. */
function useOnce(deps: ApprovalRouteDeps, hash: string, at: number): void {
  if (!deps.approvals.useLink(hash, at)) throw new PipelaneError('CONFLICT', 'this link was used already; nothing was changed.');
}

/** Why the link cannot decide any more, if it cannot: the task is decided or withdrawn, or this person voted. */
function closedMessage(deps: ApprovalRouteDeps, link: ApprovalLinkRecord): { title: string; message: string } | undefined {
  const task = deps.store.getUserTask(link.taskId);
  if (!task) return { title: 'This task is gone', message: 'Nothing was changed.' };
  if (task.state !== 'open') {
    const outcome = outcomeOf(deps.store, task);
    return { title: 'Already decided', message: `This task was already ${describeOutcome(outcome)}. Nothing was changed.` };
  }
  if (link.usedAt !== undefined) {
    const progress = progressOf(deps, link).progress ?? '';
    return { title: 'Already recorded', message: `Your decision was recorded at ${new Date(link.usedAt).toISOString()}. ${progress}`.trim() };
  }
  return undefined;
}

function progressOf(deps: ApprovalRouteDeps, link: ApprovalLinkRecord): { progress?: string } {
  const task = deps.store.getUserTask(link.taskId);
  if (!task) return {};
  const votes = deps.approvals.listVotes(task.id).filter((v) => v.decision === 'approve');
  const needed = taskView(deps.store, deps.approvals, task).settings.quorum;
  return needed > 1 ? { progress: `${votes.length} of ${needed} approvals so far.` } : {};
}

async function readForm(req: IncomingMessage): Promise<Record<string, string>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_FORM_BYTES) throw new PipelaneError('PAYLOAD_TOO_LARGE', `the form is larger than ${MAX_FORM_BYTES} bytes.`);
    chunks.push(chunk as Buffer);
  }
  const params = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
  const out: Record<string, string> = {};
  // A checkbox sends a hidden "false" and, when ticked, "true" after it: the last value wins.
  for (const key of new Set(params.keys())) out[key] = params.getAll(key).at(-1)!;
  return out;
}

function cookieOf(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return v.join('=');
  }
  return undefined;
}

/** A browser's Origin on a form POST is the page's: this host (behind a proxy: the public URL). */
function sameOrigin(origin: string, host: string | undefined, publicUrl: string): boolean {
  try {
    const url = new URL(origin);
    return url.host === host || url.origin === new URL(publicUrl).origin;
  } catch {
    return false;
  }
}

function cookie(deps: ApprovalRouteDeps, nonce: string): string {
  const secure = deps.publicUrl().startsWith('https:') ? '; Secure' : '';
  return `${CSRF_COOKIE}=${nonce}; Path=${BASE}/; HttpOnly; SameSite=Strict; Max-Age=86400${secure}`;
}

function html(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): undefined {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
    'referrer-policy': 'no-referrer',
    'x-content-type-options': 'nosniff',
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
    ...headers,
  });
  res.end(body);
  return undefined;
}
