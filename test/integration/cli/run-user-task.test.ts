/**
 * `pipelane run` stopping at a user task. On a real terminal (a pty made by
 * util-linux `script`), it asks for the decision and for each form field, and
 * again for a refused one. Without a terminal it says how to decide from
 * another shell, and waits until that shell does.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { bpmnXml } from '../../support/bpmn.js';
import { cli, pipelane, ROOT } from '../daemon/daemon.js';

const dir = mkdtempSync(join(tmpdir(), 'pipelane-run-task-'));
const file = (name: string, text: string) => {
  writeFileSync(join(dir, name), text);
  return join(dir, name);
};
const start = { id: 'start', tag: 'startEvent' };
const end = { id: 'end', tag: 'endEvent' };
const approval = file('approval.bpmn', bpmnXml('approval', [start, { id: 'ok', tag: 'userTask', attrs: { name: 'Sign off' } }, end], [['start', 'ok'], ['ok', 'end']]));
const FORM = `<extensionElements><camunda:formData>
  <camunda:formField id="amount" label="Amount" type="long"><camunda:validation><camunda:constraint name="required"/><camunda:constraint name="min" config="1"/><camunda:constraint name="max" config="100"/></camunda:validation></camunda:formField>
  <camunda:formField id="region" label="Region" type="enum" defaultValue="eu"><camunda:value id="eu" name="Europe"/><camunda:value id="us" name="Americas"/></camunda:formField>
</camunda:formData></extensionElements>`;
const both = file('both.bpmn', bpmnXml('both', [
  start,
  { id: 'ok', tag: 'userTask', attrs: { name: 'Sign off' } },
  { id: 'enter', tag: 'userTask', attrs: { name: 'Enter the order' }, body: '<extensionElements><camunda:formData><camunda:formField id="amount" label="Amount" type="long"/></camunda:formData></extensionElements>' },
  end,
], [['start', 'ok'], ['ok', 'enter'], ['enter', 'end']]));
const form = file('form.bpmn', bpmnXml('order', [start, { id: 'enter', tag: 'userTask', attrs: { name: 'Enter the order' }, body: FORM }, end], [['start', 'enter'], ['enter', 'end']]));

/** A child whose output the test reads as it comes, and waits on. */
class Session {
  output = '';
  readonly exited: Promise<number | null>;

  constructor(readonly child: ChildProcess) {
    child.stdout!.on('data', (d: Buffer) => (this.output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (this.output += d.toString()));
    this.exited = new Promise((done) => child.on('close', done));
  }

  /** Waits until the output has matched `pattern` `count` times. */
  async until(pattern: RegExp, count = 1, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const global = new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`);
    while ((this.output.match(global)?.length ?? 0) < count) {
      if (Date.now() > deadline) throw new Error(`no ${pattern} (×${count}) in:\n${this.output}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  type(line: string): void {
    this.child.stdin!.write(`${line}\n`);
  }
}

const sessions: Session[] = [];
afterEach(() => {
  for (const s of sessions.splice(0)) s.child.kill('SIGKILL');
});

/** `pipelane run …` on a pseudo-terminal: stdin is a TTY for it, as for a person at a shell. */
function onTerminal(args: string[]): Session {
  const command = [process.execPath, '--import', 'tsx', join(ROOT, 'src/cli/main.ts'), ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const session = new Session(spawn('script', ['-qfec', command, '/dev/null'], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] }));
  sessions.push(session);
  return session;
}

describe('pipelane run at a user task', { timeout: 90_000 }, () => {
  it('asks for the decision on a terminal until it is one, then a comment', async () => {
    const dataDir = join(dir, 'data-approval');
    const run = onTerminal(['run', approval, '--repo', dir, '--data-dir', dataDir]);
    await run.until(/approve\? \[y\/n\]: /);
    run.type('maybe');
    await run.until(/approve\? \[y\/n\]: /, 2);
    run.type('y');
    await run.until(/comment \(optional\): /);
    run.type('looks fine');
    expect(await run.exited).toBe(0);
    expect(run.output).toMatch(/approval completed/);
    expect(run.output).toMatch(/"approved": true,\s+"comment": "looks fine"/);
  });

  it('asks for each form field, then again for the ones the form refuses', async () => {
    const dataDir = join(dir, 'data-form');
    const run = onTerminal(['run', form, '--repo', dir, '--data-dir', dataDir]);
    await run.until(/Amount \(long, 1 to 100, required\): /);
    run.type('lots');
    await run.until(/Region \(one of eu, us, default eu\): /);
    run.type('');
    await run.until(/Amount must be a whole number, not "lots"/);
    await run.until(/Amount \(long, 1 to 100, required\): /, 2);
    run.type('500');
    await run.until(/Amount must be at most 100/);
    await run.until(/Amount \(long, 1 to 100, required\): /, 3);
    run.type('42');
    expect(await run.exited).toBe(0);
    expect(run.output).toMatch(/"amount": 42,\s+"region": "eu"/);
    // The region was not asked again: only the refused field was.
    expect(run.output.match(/Region \(/g)).toHaveLength(1);
  });

  it('asks for one task after another on the same terminal', async () => {
    const dataDir = join(dir, 'data-both');
    const run = onTerminal(['run', both, '--repo', dir, '--data-dir', dataDir]);
    await run.until(/approve\? \[y\/n\]: /);
    run.type('y');
    await run.until(/comment \(optional\): /);
    run.type('');
    await run.until(/Amount \(long\): /);
    run.type('7');
    expect(await run.exited).toBe(0);
    expect(run.output).toMatch(/"approved": true,\s+"amount": 7/);
  });

  it('stops asking for a task decided from another shell, and asks for the next one', async () => {
    const dataDir = join(dir, 'data-elsewhere');
    const run = onTerminal(['run', both, '--repo', dir, '--data-dir', dataDir]);
    await run.until(/approve\? \[y\/n\]: /);
    const listed = await cli(['tasks', '--data-dir', dataDir]);
    const taskId = listed.stdout.split('\n').find((l) => l.includes('Sign off'))!.split('\t')[0]!;
    expect((await cli(['tasks', 'approve', taskId, '--data-dir', dataDir])).code).toBe(0);
    // The run applies that decision from the outbox, drops the question and asks for the form.
    await run.until(/Amount \(long\): /);
    run.type('9');
    expect(await run.exited).toBe(0);
    expect(run.output).toMatch(/"approved": true,[^}]*"amount": 9/);
    expect(run.output).not.toMatch(/already/);
  });

  it('without a terminal, says how to decide from another shell and waits for it', async () => {
    const dataDir = join(dir, 'data-hint');
    const run = new Session(pipelane(['run', approval, '--repo', dir, '--data-dir', dataDir]));
    sessions.push(run);
    await run.until(/complete it from another shell: pipelane tasks approve (\S+) --data-dir \S+ +\(or: pipelane tasks reject \S+ --comment "why" --data-dir \S+\)/);
    const taskId = /pipelane tasks approve (\S+)/.exec(run.output)![1]!;
    const approved = await cli(['tasks', 'approve', taskId, '--comment', 'from the other shell', '--data-dir', dataDir]);
    expect(approved.code, approved.stderr).toBe(0);
    expect(await run.exited).toBe(0);
    expect(run.output).toMatch(/"approved": true,\s+"comment": "from the other shell"/);
  });
});
