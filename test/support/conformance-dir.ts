import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * Where the conformance corpora are: CONFORMANCE_DIR, else `shared/conformance`
 * beside the repository or beside any folder above it (a clone may sit deeper
 * than the checkout the corpora were laid out for).
 */
export function conformanceDir(): string {
  if (process.env['CONFORMANCE_DIR']) return resolve(process.env['CONFORMANCE_DIR']);
  for (let dir = dirname(repoRoot); ; dir = dirname(dir)) {
    const candidate = join(dir, 'shared', 'conformance');
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) return resolve(repoRoot, '../shared/conformance');
  }
}
