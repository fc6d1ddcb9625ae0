/**
 * Files of an instance's workspace that a task shows people: attached to the
 * mail, or downloaded from the approval page. Scripts write the workspace,
 * so a name the sidecar lists may be a symlink (`report.html -> /etc/passwd`)
 * or sit under a linked directory; such a file would be read on the host,
 * outside any container. A file is used only when its real path stays inside
 * the instance's workspace and it is a regular file, opened without following
 * a link; anything else is treated as not there.
 */
import { constants } from 'node:fs';
import { open, readlink, realpath, type FileHandle } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import type { MailAttachment } from '../ports/mailer.js';

export interface WorkspaceFile {
  handle: FileHandle;
  size: number;
}

/**
 * Opens a workspace file by the name the sidecar gives it, for reading; undefined
 * when it is missing, not a regular file, or its real path leaves the workspace.
 * The caller closes the handle.
 */
export async function openWorkspaceFile(workspacesDir: string, instanceId: string, name: string): Promise<WorkspaceFile | undefined> {
  const root = resolve(workspacesDir, instanceId);
  const path = resolve(root, name);
  if (!isInside(root, path)) return undefined;
  let realRoot: string;
  let handle: FileHandle;
  try {
    // The data directory itself may be a link (a mount elsewhere): compare real paths.
    realRoot = await realpath(root);
    const real = await realpath(path);
    if (!isInside(realRoot, real)) return undefined;
    // O_NOFOLLOW: a link put in place of the file after the check is refused, not followed;
    // O_NONBLOCK: a FIFO does not hang the open.
    handle = await open(real, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch {
    return undefined;
  }
  try {
    const stats = await handle.stat();
    // Where the opened file really is (Linux): a directory swapped for a link between the check and the open is caught here.
    const opened = await readlink(`/proc/self/fd/${handle.fd}`).catch(() => undefined);
    if (stats.isFile() && (opened === undefined || isInside(realRoot, opened))) return { handle, size: stats.size };
  } catch {
    // unreadable: as if it were not there
  }
  await handle.close();
  return undefined;
}

export interface Attachments {
  files: MailAttachment[];
  /** One line per file that is not attached, saying why. */
  notes: string[];
}

/** Reads the named workspace files up to `cap` bytes in all; a file that is not there (or not usable) or too large becomes a note. */
export async function readAttachments(workspacesDir: string, instanceId: string, names: readonly string[], cap: number): Promise<Attachments> {
  const files: MailAttachment[] = [];
  const notes: string[] = [];
  let used = 0;
  for (const name of names) {
    const file = await openWorkspaceFile(workspacesDir, instanceId, name);
    if (!file) {
      notes.push(`${name} was not found in the workspace of the instance (or is not a regular file there), so it is not attached.`);
      continue;
    }
    try {
      if (used + file.size > cap) {
        notes.push(`${name} (${formatBytes(file.size)}) is not attached: the attachments of one mail are capped at ${formatBytes(cap)}. Open it from the approval page.`);
        continue;
      }
      const content = Buffer.alloc(file.size);
      const { bytesRead } = await file.handle.read(content, 0, file.size, 0);
      files.push({ filename: name.split('/').at(-1) ?? name, content: content.subarray(0, bytesRead) });
      used += bytesRead;
    } finally {
      await file.handle.close();
    }
  }
  return { files, notes };
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 ** 2).toFixed(1)} MB`;
}

function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel !== '' && !isAbsolute(rel) && !rel.split(sep).includes('..');
}
