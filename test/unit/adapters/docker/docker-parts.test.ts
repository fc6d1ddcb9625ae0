import { describe, expect, it } from 'vitest';
import { engineAddress } from '../../../../src/adapters/docker/connection.js';
import { unixSeconds } from '../../../../src/adapters/docker/container-log.js';
import { containerSpec } from '../../../../src/adapters/docker/container-spec.js';
import { controlFilesOf } from '../../../../src/adapters/docker/control-files.js';
import { containerName, LABEL } from '../../../../src/adapters/docker/labels.js';
import { engineFailure, exitOutcome, type ExitFacts } from '../../../../src/adapters/docker/outcome.js';
import { secretMask } from '../../../../src/adapters/docker/secret-mask.js';
import type { ScriptJob } from '../../../../src/ports/container-runner.js';

describe('engineAddress', () => {
  it('reads the forms DOCKER_HOST takes', () => {
    expect(engineAddress()).toMatchObject({ options: { socketPath: '/var/run/docker.sock' }, description: 'unix:///var/run/docker.sock' });
    expect(engineAddress('unix:///run/user/1000/docker.sock').options.socketPath).toBe('/run/user/1000/docker.sock');
    expect(engineAddress('tcp://10.0.0.5:2375')).toMatchObject({ options: { host: '10.0.0.5', port: '2375', protocol: 'http' } });
    expect(engineAddress('tcp://10.0.0.5:2376').options.protocol).toBe('https');
    expect(engineAddress('ssh://ops@build-host')).toMatchObject({ options: { host: 'build-host', protocol: 'ssh', username: 'ops' } });
  });
});

describe('secretMask', () => {
  it('masks every occurrence, longest value first, regex characters literally', () => {
    const mask = secretMask(['ab', 'abc.d', '']);
    expect(mask('x abc.d y ab abcXd')).toBe('x *** y *** ***cXd');
    expect(secretMask([])('unchanged')).toBe('unchanged');
    expect(secretMask(['line one\nline two'])('here: line two')).toBe('here: ***');
  });
});

describe('containerName', () => {
  it('keeps plain ids and hashes the others apart', () => {
    expect(containerName('job-1')).toBe('pipelane-job-job-1');
    expect(containerName('inst/1:task')).toMatch(/^pipelane-job-inst-1-task-[0-9a-f]{12}$/);
    expect(containerName('inst/1:task')).not.toBe(containerName('inst:1/task'));
  });
});

describe('containerSpec', () => {
  const job: ScriptJob = {
    jobId: 'j1',
    instanceId: 'i1',
    processId: 'churn',
    elementId: 'train',
    attempt: 2,
    language: 'r',
    script: { path: 'churn/scripts/train.R' },
    variables: {},
    workspaceDir: '/data/ws/i1',
    repoDir: '/data/repo@abc',
    runtime: {
      image: 'r-base:4',
      env: { REGION: 'eu', PIPELANE_TASK_ID: 'spoofed' },
      secrets: { TOKEN: 'x' },
      network: 'none',
      limits: { memoryBytes: 512 * 1024 ** 2, cpus: 1.5, pids: 512, timeoutMs: 600_000 },
    },
  };
  const spec = containerSpec(job, controlFilesOf(job));

  it('runs the script from /repo with the interpreter of its language, in /workspace', () => {
    expect(spec).toMatchObject({ Image: 'r-base:4', Cmd: ['Rscript', '/repo/churn/scripts/train.R'], WorkingDir: '/workspace' });
  });

  it('passes env, secrets and the contract variables, which a user cannot override', () => {
    expect(spec.Env).toEqual(
      expect.arrayContaining([
        'REGION=eu',
        'TOKEN=x',
        'PIPELANE_TASK_ID=train',
        'PIPELANE_INSTANCE_ID=i1',
        'PIPELANE_ATTEMPT=2',
        'PIPELANE_INPUT=/workspace/.pipelane/jobs/pipelane-job-j1/input.json',
      ]),
    );
    expect(spec.Env).not.toContain('PIPELANE_TASK_ID=spoofed');
  });

  it('mounts the workspace read-write and the repository read-only, with limits and labels', () => {
    expect(spec.HostConfig).toMatchObject({
      Mounts: [
        { Source: '/data/ws/i1', Target: '/workspace', ReadOnly: false },
        { Source: '/data/repo@abc', Target: '/repo', ReadOnly: true },
      ],
      NetworkMode: 'none',
      Memory: 512 * 1024 ** 2,
      MemorySwap: 512 * 1024 ** 2,
      NanoCpus: 1_500_000_000,
      PidsLimit: 512,
    });
    expect(spec.Labels).toMatchObject({ [LABEL.job]: 'j1', [LABEL.instance]: 'i1', [LABEL.process]: 'churn', [LABEL.secrets]: 'TOKEN' });
  });
});

describe('exitOutcome', () => {
  const facts: ExitFacts = {
    exitCode: 0,
    timedOut: false,
    cancelled: false,
    oomKilled: false,
    memoryBytes: 512 * 1024 ** 2,
    timeoutMs: 600_000,
    stderrTail: [],
    scriptResult: { kind: 'completed', output: { a: 1 } },
  };

  it('tells the outcomes apart, the kill reasons first', () => {
    expect(exitOutcome(facts)).toEqual({ kind: 'completed', output: { a: 1 } });
    expect(exitOutcome({ ...facts, exitCode: 137, timedOut: true })).toEqual({
      kind: 'failed',
      reason: 'timeout',
      message: 'timed out after 10m',
    });
    expect(exitOutcome({ ...facts, exitCode: 137, oomKilled: true, stderrTail: ['MemoryError'] })).toEqual({
      kind: 'failed',
      reason: 'oom',
      message: 'killed: out of memory (limit 512m)',
      exitCode: 137,
      stderrTail: ['MemoryError'],
    });
    expect(exitOutcome({ ...facts, exitCode: 2, scriptResult: undefined, stderrTail: ['boom'] })).toEqual({
      kind: 'failed',
      reason: 'exit',
      message: 'the script exited with code 2',
      exitCode: 2,
      stderrTail: ['boom'],
    });
  });
});

describe('engineFailure', () => {
  it('names the socket of an unreachable engine', () => {
    const failure = engineFailure({ code: 'ECONNREFUSED' }, 'img', 'tcp://10.0.0.5:2375');
    expect(failure).toMatchObject({ reason: 'engine-unreachable' });
    expect(failure.message).toContain('tcp://10.0.0.5:2375');
  });

  it('says how to get a missing image: build the default one, pull the others', () => {
    const missing = { statusCode: 404, json: { message: 'No such image: x' } };
    expect(engineFailure(missing, 'pipelane/runtime:local', 'e').message).toContain('scripts/build-runtime-image.sh');
    expect(engineFailure(missing, 'python:3.12-slim', 'e').message).toContain('docker pull python:3.12-slim');
  });
});

describe('unixSeconds', () => {
  it('writes a time the way Docker’s since parameter reads it', () => {
    expect(unixSeconds('2024-05-20T10:00:00.123456789Z')).toBe('1716199200.123456789');
  });
});
