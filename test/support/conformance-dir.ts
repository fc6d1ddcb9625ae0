import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * Where the conformance corpora are: CONFORMANCE_DIR, else `shared/conformance`
 * beside the repository or beside any folder above it, else beside the
 * checkout this clone was made from (a clone in a temporary directory has
 * its origin's neighbours, not its own).
 */
export function conformanceDir(): string {
  if (process.env['CONFORMANCE_DIR']) return resolve(process.env['CONFORMANCE_DIR']);
  const origin = localOrigin();
  for (const start of [repoRoot, ...(origin ? [origin] : [])]) {
    const found = sharedAbove(start);
    if (found) return found;
  }
  return resolve(repoRoot, '../shared/conformance');
}

function sharedAbove(start: string): string | undefined {
  for (let dir = dirname(start); ; dir = dirname(dir)) {
    const candidate = join(dir, 'shared', 'conformance');
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

/** The path of `origin` when it is a repository on this machine. */
function localOrigin(): string | undefined {
  try {
    const url = execFileSync('git', ['config', '--get', 'remote.origin.url'], { cwd: repoRoot, encoding: 'utf8' }).trim();
    const path = url.startsWith('file://') ? fileURLToPath(url) : url;
    return isAbsolute(path) && existsSync(path) ? path : undefined;
  } catch {
    return undefined;
  }
}
