import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { controlFilesOf } from '../../../src/adapters/docker/control-files.js';
import { dockerAvailable } from '../docker-available.js';
import { collect, type Sandbox, sandbox, TEST_TIMEOUT } from './job.js';

const available = await dockerAvailable();

describe.skipIf(!available)('DockerContainerRunner: what a script reports', { timeout: TEST_TIMEOUT }, () => {
  let box: Sandbox;
  beforeAll(async () => {
    box = await sandbox();
  });
  afterAll(() => box?.dispose());

  it('completes with the object the script wrote to $PIPELANE_OUTPUT, having read $PIPELANE_INPUT', async () => {
    const script = [
      'import json, os',
      'v = json.load(open(os.environ["PIPELANE_INPUT"]))',
      'meta = {k: os.environ[k] for k in ("PIPELANE_INSTANCE_ID", "PIPELANE_TASK_ID", "PIPELANE_ATTEMPT")}',
      'json.dump({"doubled": v["n"] * 2, "meta": meta}, open(os.environ["PIPELANE_OUTPUT"], "w"))',
    ].join('\n');
    const job = box.job('python', script, { variables: { n: 21, name: 'x' }, elementId: 'double', attempt: 3 });
    const outcome = await box.runner.run(job, collect().onLog);
    expect(outcome).toEqual({
      kind: 'completed',
      output: { doubled: 42, meta: { PIPELANE_INSTANCE_ID: job.instanceId, PIPELANE_TASK_ID: 'double', PIPELANE_ATTEMPT: '3' } },
    });
  });

  it('completes with no output when the script writes none', async () => {
    expect(await box.runner.run(box.job('bash', 'echo done'), collect().onLog)).toEqual({ kind: 'completed', output: {} });
  });

  it('raises a BPMN error from $PIPELANE_ERROR, even with a non-zero exit', async () => {
    const script = 'echo \'{"code": "NO_DATA", "message": "the source table is empty"}\' > "$PIPELANE_ERROR"; exit 2';
    expect(await box.runner.run(box.job('bash', script), collect().onLog)).toEqual({
      kind: 'bpmnError',
      code: 'NO_DATA',
      message: 'the source table is empty',
    });
  });

  it('fails on a non-zero exit with the exit code and the tail of stderr', async () => {
    const script = 'for i in $(seq 1 30); do echo "line $i" >&2; done; echo "to stdout"; exit 3';
    const outcome = await box.runner.run(box.job('bash', script), collect().onLog);
    expect(outcome).toMatchObject({ kind: 'failed', reason: 'exit', exitCode: 3, message: 'the script exited with code 3' });
    if (outcome.kind !== 'failed') return;
    expect(outcome.stderrTail).toHaveLength(20);
    expect(outcome.stderrTail?.at(-1)).toBe('line 30');
    expect(outcome.stderrTail).not.toContain('to stdout');
  });

  it('fails with output-invalid when $PIPELANE_OUTPUT is not a JSON object', async () => {
    const outcome = await box.runner.run(box.job('bash', 'echo "[1, 2]" > "$PIPELANE_OUTPUT"'), collect().onLog);
    expect(outcome).toMatchObject({ kind: 'failed', reason: 'output-invalid' });
  });

  it('runs python, R (Rscript) and bash in the runtime image', async () => {
    const python = await box.runner.run(
      box.job('python', 'import json, os, sys\njson.dump({"v": sys.version_info[0]}, open(os.environ["PIPELANE_OUTPUT"], "w"))'),
      collect().onLog,
    );
    const r = await box.runner.run(
      box.job('r', 'writeLines(sprintf(\'{"mean": %s}\', mean(c(1, 2, 3, 6))), Sys.getenv("PIPELANE_OUTPUT"))'),
      collect().onLog,
    );
    const bash = await box.runner.run(
      box.job('bash', 'echo "{\\"bash\\": \\"${BASH_VERSINFO[0]}\\"}" > "$PIPELANE_OUTPUT"'),
      collect().onLog,
    );
    expect(python).toEqual({ kind: 'completed', output: { v: 3 } });
    expect(r).toEqual({ kind: 'completed', output: { mean: 3 } });
    expect(bash).toEqual({ kind: 'completed', output: { bash: '5' } });
  });

  it('runs a script file of the repository, in /workspace', async () => {
    await box.writeRepoFile('churn/scripts/where.py', 'import os\nprint(os.getcwd())\nprint(__file__)\n');
    const { lines, onLog } = collect();
    const outcome = await box.runner.run(box.job('python', { path: 'churn/scripts/where.py' }), onLog);
    expect(outcome.kind).toBe('completed');
    expect(lines.map((l) => l.text)).toEqual(['/workspace', '/repo/churn/scripts/where.py']);
  });

  it('shares /workspace between the jobs of an instance: a CSV from python is read by R and checked by bash', async () => {
    const python = 'import csv\nw = csv.writer(open("/workspace/data.csv", "w"))\nw.writerow(["x"])\nw.writerows([[1], [2], [6]])';
    expect(await box.runner.run(box.job('python', python), collect().onLog)).toEqual({ kind: 'completed', output: {} });
    const r = 'd <- read.csv("data.csv")\nwriteLines(sprintf(\'{"mean": %s}\', mean(d$x)), Sys.getenv("PIPELANE_OUTPUT"))';
    expect(await box.runner.run(box.job('r', r), collect().onLog)).toEqual({ kind: 'completed', output: { mean: 3 } });
    const bash = '[ "$(wc -l < /workspace/data.csv)" -eq 4 ] || exit 1';
    expect(await box.runner.run(box.job('bash', bash), collect().onLog)).toEqual({ kind: 'completed', output: {} });
    expect(await readFile(join(box.workspaceDir, 'data.csv'), 'utf8')).toContain('x');
  });

  it('mounts /repo read-only', async () => {
    await box.writeRepoFile('README.md', 'hello\n');
    const { lines, onLog } = collect();
    const outcome = await box.runner.run(box.job('bash', 'cat /repo/README.md; echo changed > /repo/README.md'), onLog);
    expect(outcome).toMatchObject({ kind: 'failed', reason: 'exit', exitCode: 1 });
    expect(lines.find((l) => l.stream === 'stderr')?.text).toMatch(/Read-only file system/);
    expect(await readFile(join(box.repoDir, 'README.md'), 'utf8')).toBe('hello\n');
  });

  it('gives each job control files of its own and removes them when the job is released', async () => {
    const script = 'echo "$PIPELANE_INPUT $PIPELANE_OUTPUT $PIPELANE_ERROR"';
    const a = collect();
    const b = collect();
    const [jobA, jobB] = [box.job('bash', script), box.job('bash', script)];
    await Promise.all([box.runner.run(jobA, a.onLog), box.runner.run(jobB, b.onLog)]);
    const [pathsA, pathsB] = [a.lines[0]?.text ?? '', b.lines[0]?.text ?? ''];
    expect(pathsA).toMatch(/^\/workspace\/\.pipelane\/jobs\/[^/]+\/input\.json /);
    expect(pathsA.split(' ')[0]).not.toBe(pathsB.split(' ')[0]);
    const controlDirs = [jobA, jobB].map((job) => controlFilesOf(job).hostDir);
    expect(controlDirs.map((dir) => existsSync(dir))).toEqual([true, true]);
    await Promise.all([box.runner.release(jobA.jobId), box.runner.release(jobB.jobId)]);
    expect(controlDirs.map((dir) => existsSync(dir))).toEqual([false, false]);
  });
});
