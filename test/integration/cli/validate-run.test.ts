import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { bpmnXml, script } from '../../support/bpmn.js';
import { dockerAvailable } from '../docker-available.js';
import { cli } from '../daemon/daemon.js';

const dir = mkdtempSync(join(tmpdir(), 'pipelane-cli-'));
const dataDir = join(dir, '.pipelane');
const start = { id: 'start', tag: 'startEvent' };
const end = { id: 'end', tag: 'endEvent' };
const file = (name: string, text: string) => {
  writeFileSync(join(dir, name), text);
  return join(dir, name);
};

const hello = file('hello.bpmn', bpmnXml('hello', [start, script('greet', 'bash', 'echo "hello $(cat $PIPELANE_INPUT)"; echo \'{"greeted": true}\' > $PIPELANE_OUTPUT'), end], [['start', 'greet'], ['greet', 'end']]));
const failing = file('failing.bpmn', bpmnXml('failing', [start, script('boom', 'bash', 'echo broken >&2; exit 4'), end], [['start', 'boom'], ['boom', 'end']]));
const two = file('two.bpmn', bpmnXml('first', [start, end], [['start', 'end']]).replace('</definitions>',
  '<process id="second" isExecutable="true"><startEvent id="s2"><outgoing>f2</outgoing></startEvent><endEvent id="e2"><incoming>f2</incoming></endEvent>'
  + '<sequenceFlow id="f2" sourceRef="s2" targetRef="e2"/></process></definitions>'));
const malformed = file('malformed.bpmn', '<?xml version="1.0"?><definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"><process id="p">');

describe('pipelane validate', () => {
  it('exits 0 on a clean model and 1 on malformed XML, naming the file and the rule', async () => {
    const clean = await cli(['validate', hello]);
    expect(clean.code).toBe(0);
    expect(clean.stdout).toContain('1 model checked: 0 errors');
    const bad = await cli(['validate', hello, malformed]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/malformed\.bpmn(:\d+)?: error XML: the file is not a BPMN 2\.0 XML document/);
  });

  it('says when a path does not exist, and speaks JSON and GitHub annotations', async () => {
    const missing = await cli(['validate', join(dir, 'nope.bpmn')]);
    expect(missing.code).toBe(1);
    expect(missing.stdout).toContain('nope.bpmn does not exist');
    const json = await cli(['validate', malformed, '--format', 'json']);
    expect(JSON.parse(json.stdout)).toContainEqual(expect.objectContaining({ severity: 'error', rule: 'XML' }));
    const github = await cli(['validate', malformed, '--format', 'github']);
    expect(github.stdout).toMatch(/^::error file=.*malformed\.bpmn/m);
  });
});

describe('pipelane run', () => {
  let docker = false;
  beforeAll(async () => {
    docker = await dockerAvailable();
  });

  it('runs to the end: a line per task, the task log prefixed by task, the final variables; exit 0', async ({ skip }) => {
    if (!docker) skip();
    const result = await cli(['run', hello, '--var', 'who=world', '--var', 'n=3', '--data-dir', dataDir, '--repo', dir]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('▶ greet started');
    expect(result.stdout).toMatch(/\[greet\] hello \{.*"who": ?"world".*\}/);
    expect(result.stdout).toMatch(/✔ greet completed in \d/);
    expect(result.stdout).toContain('hello completed');
    const json = await cli(['run', hello, '--var', 'n=3', '--data-dir', dataDir, '--repo', dir, '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ process: 'hello', state: 'completed', variables: { n: 3, greeted: true } });
  });

  it('exits 1 when the instance stops at an incident, and says how to retry', async ({ skip }) => {
    if (!docker) skip();
    const result = await cli(['run', failing, '--data-dir', dataDir, '--repo', dir]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/✘ boom failed .*exit(ed)? (with )?code 4/);
    expect(result.stdout).toContain('stopped at an incident');
    expect(result.stdout).toContain('pipelane retry');
  });

  it('refuses bad input with a clear message: a missing file, malformed XML, an unknown process, a --var that is not name=value', async () => {
    const missing = await cli(['run', join(dir, 'nope.bpmn'), '--data-dir', dataDir]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('nope.bpmn does not exist');
    const bad = await cli(['run', malformed, '--data-dir', dataDir, '--repo', dir]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('error XML');
    const unknown = await cli(['run', two, '--process', 'third', '--data-dir', dataDir, '--repo', dir]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('has no process "third"; it has first, second');
    const ambiguous = await cli(['run', two, '--data-dir', dataDir, '--repo', dir]);
    expect(ambiguous.stderr).toContain('choose one with --process ID');
    const badVar = await cli(['run', hello, '--var', 'oops', '--data-dir', dataDir, '--repo', dir]);
    expect(badVar.code).toBe(2);
    expect(badVar.stderr).toContain('--var "oops" is not of the form name=value');
  });
});
