/** Real git repositories in temp dirs, and small models for them. */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { bpmnXml } from '../../support/bpmn.js';

const GIT_ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: 'Ada',
  GIT_AUTHOR_EMAIL: 'ada@example.com',
  GIT_COMMITTER_NAME: 'Ada',
  GIT_COMMITTER_EMAIL: 'ada@example.com',
  GIT_CONFIG_NOSYSTEM: '1',
};

export function git(dir: string, ...args: string[]): string {
  return execFileSync('git', ['-C', dir, ...args], { env: GIT_ENV, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

/** A bare repository (the "remote") and a clone to commit and push from. */
export class GitFixture {
  readonly root = mkdtempSync(join(tmpdir(), 'pipelane-git-'));
  readonly bare = join(this.root, 'origin.git');
  readonly clone = join(this.root, 'clone');

  constructor() {
    execFileSync('git', ['init', '-q', '--bare', '-b', 'main', this.bare], { env: GIT_ENV });
    execFileSync('git', ['init', '-q', '-b', 'main', this.clone], { env: GIT_ENV });
    git(this.clone, 'remote', 'add', 'origin', this.bare);
  }

  get url(): string {
    return `file://${this.bare}`;
  }

  write(path: string, text: string): this {
    mkdirSync(dirname(join(this.clone, path)), { recursive: true });
    writeFileSync(join(this.clone, path), text);
    return this;
  }

  remove(path: string): this {
    rmSync(join(this.clone, path), { force: true });
    return this;
  }

  /** Commits everything and pushes; returns the commit id. */
  commit(message: string, options: { push?: boolean; force?: boolean; amend?: boolean } = {}): string {
    git(this.clone, 'add', '-A');
    git(this.clone, 'commit', '-q', '--allow-empty', ...(options.amend ? ['--amend'] : []), '-m', message);
    if (options.push !== false) git(this.clone, 'push', '-q', ...(options.force ? ['--force'] : []), 'origin', 'main');
    return git(this.clone, 'rev-parse', 'HEAD');
  }

  dispose(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}

/** start → wait (an intermediate timer) → end: an instance that runs `seconds` and needs no Docker. */
export function waitModel(processId: string, seconds = 2): string {
  return bpmnXml(
    processId,
    [
      { id: 'start', tag: 'startEvent' },
      { id: 'wait', tag: 'intermediateCatchEvent', body: `<timerEventDefinition><timeDuration xsi:type="tFormalExpression">PT${seconds}S</timeDuration></timerEventDefinition>` },
      { id: 'end', tag: 'endEvent' },
    ],
    [
      ['start', 'wait'],
      ['wait', 'end'],
    ],
  );
}

/** A process started by a timer start event. */
export function timerStartModel(processId: string, cycle: string): string {
  return bpmnXml(
    processId,
    [
      { id: 'tick', tag: 'startEvent', body: `<timerEventDefinition><timeCycle xsi:type="tFormalExpression">${cycle}</timeCycle></timerEventDefinition>` },
      { id: 'end', tag: 'endEvent' },
    ],
    [['tick', 'end']],
  );
}

/** A model with a flow to an element that does not exist. */
export function brokenModel(processId: string): string {
  return waitModel(processId).replace('targetRef="end"', 'targetRef="nowhere"');
}

export function sidecar(options: { key?: string; cron?: string; overlap?: string; catchUp?: string; variables?: Record<string, unknown> } = {}): string {
  return [
    'schedules:',
    `  ${options.key ?? 'often'}:`,
    `    cron: "${options.cron ?? '* * * * * *'}"`,
    `    overlap: ${options.overlap ?? 'allow'}`,
    `    catchUp: ${options.catchUp ?? 'none'}`,
    `    variables: ${JSON.stringify(options.variables ?? { from: 'schedule' })}`,
    '',
  ].join('\n');
}

/** start → end: an instance that ends in its first step. */
export function quickModel(processId: string): string {
  return bpmnXml(processId, [{ id: 'start', tag: 'startEvent' }, { id: 'end', tag: 'endEvent' }], [['start', 'end']]);
}

/** A sidecar with several every-second schedules at once. */
export function sidecarOf(schedules: Record<string, { cron?: string; overlap?: string; catchUp?: string }>): string {
  const lines = ['schedules:'];
  for (const [key, s] of Object.entries(schedules)) {
    lines.push(`  ${key}:`, `    cron: "${s.cron ?? '* * * * * *'}"`, `    overlap: ${s.overlap ?? 'allow'}`, `    catchUp: ${s.catchUp ?? 'none'}`);
  }
  return `${lines.join('\n')}\n`;
}

/** start → approve (a user task with these attributes, e.g. camunda:assignee, and child elements) → end. */
export function userTaskModel(processId: string, attrs: Record<string, string>, body = ''): string {
  return bpmnXml(
    processId,
    [{ id: 'start', tag: 'startEvent' }, { id: 'approve', tag: 'userTask', attrs, body }, { id: 'end', tag: 'endEvent' }],
    [
      ['start', 'approve'],
      ['approve', 'end'],
    ],
  );
}

/** A form-js schema with one checkbox. */
export function formJson(id: string, label = 'Approved'): string {
  return JSON.stringify({ id, type: 'default', schemaVersion: 16, components: [{ type: 'checkbox', key: 'approved', label }] });
}
