import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunJob } from '../engine/commands.js';
import { resolveScriptSource } from '../gitops/script-source.js';
import { isDaemonSetting } from '../model/daemon-settings.js';
import { resolveTaskRuntime, type TaskRuntime } from '../model/task-runtime.js';
import type { ScriptJob } from '../ports/container-runner.js';
import type { DeploymentRecord, JobRecord } from '../ports/store.js';
import type { RuntimeOptions } from './runtime.js';

/** What a job comes to before it runs: a container to start, nothing to run, or a refusal that fails it. */
export type Prepared =
  | { kind: 'container'; job: ScriptJob; retries: TaskRuntime['retries'] }
  | { kind: 'passThrough' }
  | { kind: 'refused'; message: string };

/** Works out what a job runs: its script and language, image, limits, secrets, workspace. */
export async function prepareJob(
  options: Pick<RuntimeOptions, 'secrets' | 'workspacesDir'>,
  deployment: DeploymentRecord,
  job: JobRecord,
  command: RunJob,
): Promise<Prepared> {
  const sidecarScript = deployment.sidecar?.tasks[command.elementId]?.script;
  if (!command.script && sidecarScript === undefined) return { kind: 'passThrough' };
  const resolved = await resolveScriptSource(deployment.repoDir, {
    elementId: command.elementId,
    bpmnFile: deployment.file,
    spec: command.script ?? {},
    ...(deployment.sidecar ? { sidecar: { file: deployment.sidecar.file, script: sidecarScript } } : {}),
  });
  if (!resolved.ok) return { kind: 'refused', message: resolved.diagnostics.map((d) => `${d.message} ${d.fix}`).join(' ') };
  const taskRuntime = resolveTaskRuntime(deployment.sidecar, command.elementId, resolved.value.language);
  const secrets: Record<string, string> = {};
  for (const name of taskRuntime.secretNames) {
    const value = options.secrets[name];
    if (value === undefined) return { kind: 'refused', message: `the secret ${name} named by the sidecar of ${deployment.file} is not set in the daemon's environment${isDaemonSetting(name) ? ' (it is a setting of the daemon, never handed to a task)' : ''}.` };
    secrets[name] = value;
  }
  const workspaceDir = join(options.workspacesDir, job.instanceId);
  await mkdir(workspaceDir, { recursive: true });
  const { secretNames: _names, retries, ...settings } = taskRuntime;
  return {
    kind: 'container',
    retries,
    job: {
      jobId: job.id,
      instanceId: job.instanceId,
      processId: command.processId,
      elementId: command.elementId,
      attempt: job.attempt,
      language: resolved.value.language,
      script: resolved.value.script,
      variables: command.variables,
      workspaceDir,
      repoDir: deployment.repoDir,
      runtime: { ...settings, secrets },
    },
  };
}
