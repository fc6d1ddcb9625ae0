/**
 * The container one script job runs in: its image, command, environment,
 * mounts, limits and labels. Pure: a job in, dockerode create options out.
 */
import type Docker from 'dockerode';
import type { ScriptJob, ScriptLanguage } from '../../ports/container-runner.js';
import { type ControlFiles, controlEnv, REPO, scriptPathInContainer, WORKSPACE } from './control-files.js';
import { containerName, LABEL } from './labels.js';

const INTERPRETER: Record<ScriptLanguage, string[]> = {
  python: ['python3'],
  r: ['Rscript'],
  bash: ['bash'],
};

export function containerSpec(job: ScriptJob, files: ControlFiles): Docker.ContainerCreateOptions {
  const { runtime } = job;
  const env: Record<string, string> = {
    // Unbuffered, so a line is logged (and timestamped) when it is printed.
    PYTHONUNBUFFERED: '1',
    ...runtime.env,
    ...runtime.secrets,
    ...controlEnv(files),
    PIPELANE_INSTANCE_ID: job.instanceId,
    PIPELANE_PROCESS_ID: job.processId,
    PIPELANE_TASK_ID: job.elementId,
    PIPELANE_JOB_ID: job.jobId,
    PIPELANE_ATTEMPT: String(job.attempt),
    PIPELANE_WORKSPACE: WORKSPACE,
    PIPELANE_REPO: REPO,
  };
  return {
    name: containerName(job.jobId),
    Image: runtime.image,
    Cmd: [...INTERPRETER[job.language], scriptPathInContainer(job, files)],
    Env: Object.entries(env).map(([k, v]) => `${k}=${v}`),
    WorkingDir: WORKSPACE,
    Tty: false,
    OpenStdin: false,
    AttachStdin: false,
    AttachStdout: false,
    AttachStderr: false,
    Labels: {
      [LABEL.job]: job.jobId,
      [LABEL.instance]: job.instanceId,
      [LABEL.process]: job.processId,
      [LABEL.element]: job.elementId,
      [LABEL.attempt]: String(job.attempt),
      [LABEL.controlDir]: files.hostDir,
      [LABEL.timeoutMs]: String(runtime.limits.timeoutMs),
      [LABEL.secrets]: Object.keys(runtime.secrets).join(','),
    },
    HostConfig: {
      Mounts: [
        { Type: 'bind', Source: job.workspaceDir, Target: WORKSPACE, ReadOnly: false },
        { Type: 'bind', Source: job.repoDir, Target: REPO, ReadOnly: true },
      ],
      NetworkMode: runtime.network,
      Memory: runtime.limits.memoryBytes,
      // Equal to Memory: no swap, so a script over its limit is killed, not slowed to a crawl.
      MemorySwap: runtime.limits.memoryBytes,
      NanoCpus: Math.round(runtime.limits.cpus * 1e9),
      PidsLimit: runtime.limits.pids,
      SecurityOpt: ['no-new-privileges'],
      // json-file keeps the log readable after a daemon restart (reattach) whatever
      // the engine's default driver; Pipelane's own store holds the lasting copy.
      LogConfig: { Type: 'json-file', Config: { 'max-size': '64m', 'max-file': '1' } },
    },
  };
}
