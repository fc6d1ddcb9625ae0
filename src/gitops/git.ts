/**
 * The git commands GitOps runs, through simple-git, plus `git archive`
 * piped into `tar` for snapshots. Credentials travel in the child's
 * environment only (GIT_CONFIG_* for an HTTPS token, GIT_SSH_COMMAND for a
 * key): never on a command line, never in .git/config, never in a log line.
 */
import { spawn } from 'node:child_process';
import { simpleGit, type SimpleGit } from 'simple-git';
import { PipelaneError } from '../errors.js';

/** How to reach a remote, from the configuration. */
export interface GitAccess {
  /** The daemon's environment, handed to git (PATH, HOME, proxies). */
  baseEnv: Readonly<Record<string, string | undefined>>;
  /** An HTTPS token (GitHub: a fine-grained token or an app installation token). */
  token?: string;
  /** The user name sent with the token; GitHub accepts any, `x-access-token` by convention. */
  username?: string;
  /** e.g. `ssh -i /run/secrets/deploy_key -o StrictHostKeyChecking=accept-new`. */
  sshCommand?: string;
}

/** Each git command gets this long before it is killed (a hung network). */
const TIMEOUT_MS = 120_000;

/** What git needs from the daemon's environment: where things are, the locale, proxies, an SSH agent. */
const PASSED_ENV = /^(PATH|HOME|USER|LANG|LC_[A-Z]+|TZ|TMPDIR|SSH_AUTH_SOCK|SSL_CERT_FILE|SSL_CERT_DIR|(HTTPS?|NO|ALL)_PROXY|(https?|no|all)_proxy)$/;

export function gitEnv(access: GitAccess): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(access.baseEnv)) if (v !== undefined && PASSED_ENV.test(k)) env[k] = v;
  env['GIT_TERMINAL_PROMPT'] = '0';
  if (access.token) {
    const basic = Buffer.from(`${access.username ?? 'x-access-token'}:${access.token}`).toString('base64');
    env['GIT_CONFIG_COUNT'] = '1';
    env['GIT_CONFIG_KEY_0'] = 'http.extraHeader';
    env['GIT_CONFIG_VALUE_0'] = `Authorization: Basic ${basic}`;
  }
  if (access.sshCommand) env['GIT_SSH_COMMAND'] = access.sshCommand;
  return env;
}

export function openGit(dir: string, access: GitAccess): SimpleGit {
  const env = gitEnv(access);
  return simpleGit({
    baseDir: dir,
    timeout: { block: TIMEOUT_MS },
    allowEnvironment: Object.keys(env).filter((k) => k.startsWith('GIT_')),
    allowConfig: ['http.extraHeader'],
    unsafe: { allowUnsafeSshCommand: true },
  }).env(env);
}

/** The commit a revision names, or undefined when it names none. */
export async function resolveCommit(git: SimpleGit, rev: string): Promise<string | undefined> {
  try {
    const out = (await git.raw(['rev-parse', '--verify', '--quiet', '--end-of-options', `${rev}^{commit}`])).trim();
    return /^[0-9a-f]{40,64}$/.test(out) ? out : undefined;
  } catch {
    return undefined;
  }
}

/** Every file of a tree (`<commit>` or `<commit>:<subdir>`), relative to it, with its blob id. */
export async function listTree(git: SimpleGit, treeish: string): Promise<Map<string, string>> {
  const out = await git.raw(['ls-tree', '-r', '-z', '--end-of-options', treeish]);
  const tree = new Map<string, string>();
  for (const entry of out.split('\0')) {
    const tab = entry.indexOf('\t');
    if (tab < 0) continue;
    const [, type, blob] = entry.slice(0, tab).split(' ');
    if (type === 'blob' && blob) tree.set(entry.slice(tab + 1), blob);
  }
  return tree;
}

/** Writes the files of a tree (or only `paths` of it) into `dest`, which must exist: `git archive | tar -x`. */
export function extractTree(gitDir: string, treeish: string, dest: string, access: GitAccess, paths?: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const env = gitEnv(access);
    const only = paths ? ['--', ...paths.map((p) => `:(literal)${p}`)] : [];
    const archive = spawn('git', ['-C', gitDir, 'archive', '--format=tar', treeish, ...only], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const tar = spawn('tar', ['-x', '-C', dest, '-f', '-'], { env, stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    archive.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    tar.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    archive.stdout.pipe(tar.stdin);
    let pending = 2;
    let failed = false;
    const done = (what: string) => (code: number | null) => {
      if (code !== 0 && !failed) {
        failed = true;
        archive.kill();
        tar.kill();
        reject(new PipelaneError('GIT_FAILED', `${what} of ${treeish} failed (exit ${code}): ${stderr.trim().split('\n').slice(-3).join(' ')}`));
      } else if (--pending === 0 && !failed) resolve();
    };
    archive.on('error', reject);
    tar.on('error', reject);
    archive.on('close', done('git archive'));
    tar.on('close', done('tar -x'));
  });
}

/** Removes user:password@ from URLs and the token itself from a message meant for a log or an API. */
export function redact(text: string, access?: Pick<GitAccess, 'token'>): string {
  let out = text.replace(/(\b[a-z][a-z0-9+.-]*:\/\/)[^/@\s]*@/gi, '$1***@');
  if (access?.token) out = out.split(access.token).join('***');
  return out.replace(/(Authorization:\s*\w+\s+)\S+/gi, '$1***');
}
