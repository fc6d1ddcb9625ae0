import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobLogStore } from '../../../src/runtime/job-logs.js';
import { dockerAvailable } from '../docker-available.js';
import { collect, type Sandbox, sandbox, TEST_TIMEOUT } from './job.js';

const available = await dockerAvailable();

describe.skipIf(!available)('DockerContainerRunner: logs', { timeout: TEST_TIMEOUT }, () => {
  let box: Sandbox;
  beforeAll(async () => {
    box = await sandbox();
  });
  afterAll(() => box?.dispose());

  it('keeps stdout and stderr apart, each line with the time it was written', async () => {
    const script = 'import sys, time\nprint("out 1")\ntime.sleep(0.1)\nprint("err 1", file=sys.stderr)\ntime.sleep(0.3)\nprint("out 2")';
    const { lines, onLog } = collect();
    const before = new Date().toISOString();
    await box.runner.run(box.job('python', script), onLog);
    const after = new Date().toISOString();
    // Each stream keeps its order; across streams (read apart by the engine), the timestamps tell it.
    expect(lines.filter((l) => l.stream === 'stdout').map((l) => l.text)).toEqual(['out 1', 'out 2']);
    expect(lines.filter((l) => l.stream === 'stderr').map((l) => l.text)).toEqual(['err 1']);
    const at = Object.fromEntries(lines.map((l) => [l.text, l.at]));
    expect(at['out 1']! < at['err 1']! && at['err 1']! < at['out 2']!).toBe(true);
    for (const line of lines) {
      expect(line.at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/);
      expect(line.at.slice(0, 23) >= before.slice(0, 23) && line.at.slice(0, 23) <= after.slice(0, 23)).toBe(true);
    }
    const gap = Date.parse(at['out 2']!) - Date.parse(at['out 1']!);
    expect(gap).toBeGreaterThanOrEqual(250);
  });

  it('streams lines while the task runs', async () => {
    const script = 'echo first; sleep 2; echo second';
    const arrivals: { text: string; at: number }[] = [];
    const started = Date.now();
    await box.runner.run(box.job('bash', script), (line) => arrivals.push({ text: line.text, at: Date.now() - started }));
    expect(arrivals.map((a) => a.text)).toEqual(['first', 'second']);
    expect(arrivals[1]!.at - arrivals[0]!.at).toBeGreaterThan(1_000);
  });

  it('masks a secret in the stored log, wherever it appears in a line', async () => {
    const store = new JobLogStore({ dir: `${box.root}/logs` });
    const job = box.job(
      'bash',
      'echo "token=$WAREHOUSE_TOKEN"; echo "again: ${WAREHOUSE_TOKEN}${WAREHOUSE_TOKEN}" >&2; echo "short=$PIN"; exit 1',
    );
    job.runtime = { ...job.runtime, secrets: { WAREHOUSE_TOKEN: 's3cr3t-v@lue.+*', PIN: '4711' } };
    const writer = store.open(job.jobId);
    const outcome = await box.runner.run(job, (line) => writer.append(line));
    writer.close();
    const stored = await store.read(job.jobId);
    // stdout and stderr are read apart, so only the order within each stream is certain
    expect(stored.map((e) => e.text).sort()).toEqual(['again: ******', 'short=***', 'token=***']);
    expect(JSON.stringify(stored)).not.toContain('s3cr3t');
    expect(outcome).toMatchObject({ kind: 'failed', stderrTail: ['again: ******'] });
  });

  it('masks a secret that straddles the 16 KiB pieces Docker cuts a long line into, and in a BPMN error message', async () => {
    const job = box.job(
      'bash',
      'printf "a%.0s" $(seq 16380); echo "$WAREHOUSE_TOKEN"; echo "{\\"code\\": \\"E\\", \\"message\\": \\"bad $WAREHOUSE_TOKEN\\"}" > "$PIPELANE_ERROR"',
    );
    job.runtime = { ...job.runtime, secrets: { WAREHOUSE_TOKEN: 'split-s3cr3t-value' } };
    const { lines, onLog } = collect();
    const outcome = await box.runner.run(job, onLog);
    expect(lines).toHaveLength(1);
    expect(lines[0]!.text).toBe(`${'a'.repeat(16380)}***`);
    expect(outcome).toEqual({ kind: 'bpmnError', code: 'E', message: 'bad ***' });
  });

  it('keeps a last line without a newline, non-ASCII text and long lines whole', async () => {
    const script = 'import sys\nprint("Grüße, 東京 ✓")\nprint("y" * 40000)\nsys.stdout.write("no newline")';
    const { lines, onLog } = collect();
    await box.runner.run(box.job('python', script), onLog);
    expect(lines[0]?.text).toBe('Grüße, 東京 ✓');
    expect(lines).toHaveLength(3);
    expect(lines[1]?.text === 'y'.repeat(40000)).toBe(true);
    expect(lines.at(-1)?.text).toBe('no newline');
  });
});
