/**
 * What a revision changes, as plain data: per model file whether it is
 * added, changed (a new version), unchanged, invalid (the last good version
 * stays) or removed; and per schedule whether it is added, changed or
 * removed. Pure: both the reconciler and `pipelane plan` use it.
 */
import { hasErrors, type Diagnostic } from '../model/diagnostic.js';
import type { DeploymentModel } from '../model/process-model.js';
import type { Sidecar } from '../model/sidecar.js';
import { definitionKey, schedulesOf, type ScheduleDefinition } from '../schedule/scheduler-sources.js';

/** A model file as one side of a comparison sees it. */
export interface FileVersion {
  file: string;
  /** Absent when the file does not load. */
  version?: string;
  model?: DeploymentModel;
  sidecar?: Sidecar;
  diagnostics: Diagnostic[];
}

export type FileChange = 'added' | 'changed' | 'unchanged' | 'invalid' | 'removed';

export interface FileDiff {
  file: string;
  change: FileChange;
  /** The version in effect after the revision: the new one, or for an invalid file the last good one. */
  version?: string;
  previousVersion?: string;
  processIds: string[];
  previousProcessIds: string[];
  diagnostics: Diagnostic[];
}

/**
 * Compares the versions in effect (`current`, valid files only) with the
 * files of the next revision. A file that does not load keeps its current
 * version; a second file defining a process id that another file already
 * defines is refused (rule pipelane/duplicate-process).
 */
export function diffFiles(current: ReadonlyMap<string, FileVersion>, next: readonly FileVersion[]): FileDiff[] {
  const out: FileDiff[] = [];
  const owner = new Map<string, string>();
  const sorted = [...next].sort((a, b) => compare(a.file, b.file));
  // Files whose last good version stays own their processes first.
  for (const f of sorted) if (!f.model) for (const id of processIdsOf(current.get(f.file)?.model)) owner.set(id, f.file);
  for (const f of sorted) {
    const before = current.get(f.file);
    const previous = { ...(before?.version ? { previousVersion: before.version } : {}), previousProcessIds: processIdsOf(before?.model) };
    const diagnostics = [...f.diagnostics];
    if (f.model && f.version && !hasErrors(diagnostics)) {
      const ids = processIdsOf(f.model);
      const taken = ids.filter((id) => owner.has(id) && owner.get(id) !== f.file);
      for (const id of taken) diagnostics.push(duplicateProcess(f.file, id, owner.get(id)!));
      if (taken.length === 0) {
        for (const id of ids) owner.set(id, f.file);
        const change = !before ? 'added' : before.version === f.version ? 'unchanged' : 'changed';
        out.push({ file: f.file, change, version: f.version, processIds: ids, diagnostics, ...previous });
        continue;
      }
    }
    out.push({
      file: f.file,
      change: 'invalid',
      ...(before?.version ? { version: before.version } : {}),
      processIds: processIdsOf(before?.model),
      diagnostics,
      ...previous,
    });
  }
  const present = new Set(next.map((f) => f.file));
  for (const [file, before] of current) {
    if (present.has(file)) continue;
    out.push({ file, change: 'removed', processIds: [], diagnostics: [], ...(before.version ? { previousVersion: before.version } : {}), previousProcessIds: processIdsOf(before.model) });
  }
  return out.sort((a, b) => compare(a.file, b.file));
}

/** The schedules in effect after a revision: those of each file's effective version. */
export function schedulesAfter(
  diffs: readonly FileDiff[],
  current: ReadonlyMap<string, FileVersion>,
  next: readonly FileVersion[],
  definitionsOf: (f: FileVersion) => ScheduleDefinition[] = (f) => (f.model ? schedulesOf(f.file, f.model, f.sidecar) : []),
): ScheduleDefinition[] {
  const byFile = new Map(next.map((f) => [f.file, f]));
  const out: ScheduleDefinition[] = [];
  for (const d of diffs) {
    if (d.change === 'removed') continue;
    const source = d.change === 'invalid' ? current.get(d.file) : byFile.get(d.file);
    if (source?.model) out.push(...definitionsOf(source));
  }
  return out;
}

export interface ScheduleDiff {
  added: ScheduleDefinition[];
  changed: { before: ScheduleDefinition; after: ScheduleDefinition }[];
  removed: ScheduleDefinition[];
  unchanged: ScheduleDefinition[];
}

/** Schedules by stable id: the same id with another trigger, variables or policy is changed, never removed and added. */
export function diffSchedules(before: readonly ScheduleDefinition[], after: readonly ScheduleDefinition[]): ScheduleDiff {
  const old = new Map(before.map((s) => [s.id, s]));
  const diff: ScheduleDiff = { added: [], changed: [], removed: [], unchanged: [] };
  for (const s of after) {
    const was = old.get(s.id);
    if (!was) diff.added.push(s);
    else if (definitionKey(was) !== definitionKey(s)) diff.changed.push({ before: was, after: s });
    else diff.unchanged.push(s);
    old.delete(s.id);
  }
  diff.removed.push(...old.values());
  return diff;
}

export function processIdsOf(model: DeploymentModel | undefined): string[] {
  return model ? Object.values(model.processes).filter((p) => p.isExecutable).map((p) => p.id) : [];
}

function duplicateProcess(file: string, processId: string, other: string): Diagnostic {
  return {
    severity: 'error',
    rule: 'pipelane/duplicate-process',
    file,
    element: processId,
    message: `process "${processId}" is also defined by ${other}; a process id names one process in the repository.`,
    fix: `Rename the process in one of the two files, or delete the copy.`,
  };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
