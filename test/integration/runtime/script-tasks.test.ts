import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { dockerAvailable } from '../docker-available.js';
import { bpmnXml, script } from '../../support/bpmn.js';
import { loadModelFile } from '../../../src/gitops/discover.js';
import { Pipeline } from './harness.js';

let docker = false;
beforeAll(async () => {
  docker = await dockerAvailable();
});

let pipeline: Pipeline | undefined;
afterEach(() => pipeline?.close());

const start = { id: 'start', tag: 'startEvent' };
const end = { id: 'end', tag: 'endEvent' };

describe('script tasks in Docker, through the runtime', () => {
  it('passes files through /workspace and variables from Python to R to bash', async ({ skip }) => {
    if (!docker) skip();
    pipeline = new Pipeline()
      .write('scripts/fetch.py', [
        'import json, os',
        "rows = [3, 5, 10]",
        "open('/workspace/data.csv', 'w').write('x\\n' + '\\n'.join(map(str, rows)) + '\\n')",
        "json.dump({'rows': len(rows)}, open(os.environ['PIPELANE_OUTPUT'], 'w'))",
      ].join('\n'))
      .write('mean.bpmn', bpmnXml('mean', [
        start,
        { id: 'fetch', tag: 'scriptTask', attrs: { scriptFormat: 'Python', 'camunda:resource': 'scripts/fetch.py' } },
        script('summarise', 'text/x-r', [
          'vars <- readLines(Sys.getenv("PIPELANE_INPUT"))',
          'd <- read.csv("/workspace/data.csv")',
          'stopifnot(nrow(d) == as.integer(sub(".*\\"rows\\": *([0-9]+).*", "\\\\1", paste(vars, collapse=""))))',
          'cat(sprintf("{\\"mean\\": %s}", mean(d$x)), file = Sys.getenv("PIPELANE_OUTPUT"))',
        ].join('\n')),
        script('check', 'bash', 'grep -q \'"mean": *6\' "$PIPELANE_INPUT" && test -f /workspace/data.csv && echo checked'),
        end,
      ], [['start', 'fetch'], ['fetch', 'summarise'], ['summarise', 'check'], ['check', 'end']]));
    await pipeline.deploy('mean.bpmn');
    const instance = await pipeline.run('mean');
    expect(instance.status).toBe('completed');
    expect(instance.state.variables).toEqual({ rows: 3, mean: 6 });
  });

  it('routes a BPMN error written to $PIPELANE_ERROR to the error boundary event with that code, without retrying', async ({ skip }) => {
    if (!docker) skip();
    pipeline = new Pipeline()
      .write('err.yaml', 'retries: { count: 3, backoff: 10ms }\n')
      .write('err.bpmn', bpmnXml('err', [
        start,
        script('load', 'python', 'import json, os\njson.dump({"code": "NO_DATA", "message": "the source is empty"}, open(os.environ["PIPELANE_ERROR"], "w"))'),
        { id: 'caught', tag: 'boundaryEvent', attrs: { attachedToRef: 'load' }, body: '<errorEventDefinition errorRef="NoData"/>' },
        script('alert', 'bash', 'echo "handled $(cat $PIPELANE_INPUT)"'),
        end,
        { id: 'end2', tag: 'endEvent' },
      ], [['start', 'load'], ['load', 'end'], ['caught', 'alert'], ['alert', 'end2']], '<error id="NoData" errorCode="NO_DATA"/>'));
    await pipeline.deploy('err.bpmn');
    const instance = await pipeline.run('err');
    expect(instance.status).toBe('completed');
    expect(instance.state.variables).toMatchObject({ errorCode: 'NO_DATA', errorMessage: 'the source is empty' });
    expect(pipeline.activity.filter((a) => a.kind === 'jobStarted' && a.elementId === 'load')).toHaveLength(1);
  });

  it('retries a failing script as configured, then raises an incident with the exit code and stderr', async ({ skip }) => {
    if (!docker) skip();
    pipeline = new Pipeline()
      .write('flaky.yaml', 'retries: { count: 2, backoff: 50ms }\n')
      .write('flaky.bpmn', bpmnXml('flaky', [start, script('boom', 'bash', 'echo "disk on fire" >&2; exit 3'), end], [['start', 'boom'], ['boom', 'end']]));
    await pipeline.deploy('flaky.bpmn');
    const instance = await pipeline.run('flaky');
    const attempts = pipeline.activity.filter((a) => a.kind === 'jobStarted').map((a) => (a.kind === 'jobStarted' ? a.attempt : 0));
    expect(attempts).toEqual([1, 2, 3]);
    const [incident] = Object.values(instance.state.incidents);
    expect(instance.status).toBe('running');
    expect(incident?.elementId).toBe('boom');
    expect(incident?.message).toMatch(/exit(ed)? (with )?code 3/);
    expect(incident?.message).toContain('disk on fire');
  });

  it('retries while the Docker engine is away, then raises an incident naming the socket; no job is left running', async () => {
    pipeline = new Pipeline({ DOCKER_HOST: 'unix:///tmp/pipelane-no-such-docker.sock' })
      .write('away.yaml', 'retries: { count: 1, backoff: 50ms }\n')
      .write('away.bpmn', bpmnXml('away', [start, script('work', 'bash', 'true'), end], [['start', 'work'], ['work', 'end']]));
    await pipeline.deploy('away.bpmn');
    const instance = await pipeline.run('away');
    const [incident] = Object.values(instance.state.incidents);
    expect(incident?.message).toContain('/tmp/pipelane-no-such-docker.sock');
    expect(pipeline.runtime.store.listJobs({ instanceId: instance.id })).toEqual([expect.objectContaining({ state: 'failed', attempt: 2 })]);
  });

  it('reports a timeout as "timed out after 2s"', async ({ skip }) => {
    if (!docker) skip();
    pipeline = new Pipeline()
      .write('slow.yaml', 'runtime: { limits: { timeout: 2s } }\n')
      .write('slow.bpmn', bpmnXml('slow', [start, script('wait', 'bash', 'sleep 30'), end], [['start', 'wait'], ['wait', 'end']]));
    await pipeline.deploy('slow.bpmn');
    const instance = await pipeline.run('slow');
    expect(Object.values(instance.state.incidents)[0]?.message).toContain('timed out after 2s');
  });

  it('masks a secret in the stored log', async ({ skip }) => {
    if (!docker) skip();
    pipeline = new Pipeline({ WAREHOUSE_TOKEN: 's3cr3t-value-42' })
      .write('secret.yaml', 'runtime: { secrets: [WAREHOUSE_TOKEN] }\n')
      .write('secret.bpmn', bpmnXml('secret', [start, script('leak', 'bash', 'echo "token is $WAREHOUSE_TOKEN"'), end], [['start', 'leak'], ['leak', 'end']]));
    await pipeline.deploy('secret.bpmn');
    const instance = await pipeline.run('secret');
    expect(instance.status).toBe('completed');
    const job = pipeline.runtime.store.listJobs({ instanceId: instance.id })[0]!;
    const log = readFileSync(join(pipeline.dataDir, 'logs', `${encodeURIComponent(job.id)}.jsonl`), 'utf8');
    expect(log).toContain('token is ***');
    expect(log).not.toContain('s3cr3t-value-42');
  });

  it('runs the branches of a parallel gateway at the same time', async ({ skip }) => {
    if (!docker) skip();
    const stamp = (name: string) => script(name, 'python', `import json, os, time\nt0 = time.time()\ntime.sleep(2)\njson.dump({"${name}": [t0, time.time()]}, open(os.environ["PIPELANE_OUTPUT"], "w"))`);
    pipeline = new Pipeline().write('par.bpmn', bpmnXml('par', [
      start, { id: 'split', tag: 'parallelGateway' }, stamp('a'), stamp('b'), { id: 'join', tag: 'parallelGateway' }, end,
    ], [['start', 'split'], ['split', 'a'], ['split', 'b'], ['a', 'join'], ['b', 'join'], ['join', 'end']]));
    await pipeline.deploy('par.bpmn');
    const instance = await pipeline.run('par');
    const [a0, a1] = instance.state.variables['a'] as [number, number];
    const [b0, b1] = instance.state.variables['b'] as [number, number];
    expect(a0 < b1 && b0 < a1).toBe(true);
  });

  it('refuses, at validation, a script path that leaves the repository, naming the task', async () => {
    pipeline = new Pipeline().write('escape.bpmn', bpmnXml('escape', [
      start, { id: 'steal', tag: 'scriptTask', attrs: { scriptFormat: 'bash', 'camunda:resource': '../../etc/passwd' } }, end,
    ], [['start', 'steal'], ['steal', 'end']]));
    const loaded = await loadModelFile(pipeline.repoDir, 'escape.bpmn');
    expect(loaded.model).toBeUndefined();
    expect(loaded.diagnostics).toContainEqual(expect.objectContaining({ severity: 'error', rule: 'pipelane/script-path', element: 'steal', file: 'escape.bpmn' }));
  });
});
