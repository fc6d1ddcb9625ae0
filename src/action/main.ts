/**
 * The GitHub Action's entry (action.yml): validate the models, show the plan
 * of the pull request, run a process in the job, or hand the commit to a
 * running daemon. Findings become workflow annotations; the plan goes to the
 * job summary.
 */
import { appendFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { runCommand } from '../cli/run.js';
import { planCommand } from '../cli/plan.js';
import { validateCommand } from '../cli/validate.js';
import { loadActionInputs, type ActionInputs } from '../config/action-inputs.js';
import { PipelaneError, toError } from '../errors.js';

const out = (text: string) => process.stdout.write(`${text}\n`);
const err = (text: string) => process.stderr.write(`${text}\n`);

export async function runAction(inputs: ActionInputs): Promise<number> {
  const summary = (text: string) => {
    if (inputs.summaryFile) appendFileSync(inputs.summaryFile, `${text}\n`);
  };
  switch (inputs.command) {
    case 'validate': {
      const code = await validateCommand(inputs.paths.map((p) => resolve(inputs.workspace, p)), { format: 'github', repo: inputs.workspace }, out);
      summary(code === 0 ? '### Pipelane: the models are valid' : '### Pipelane: some models are invalid (see the annotations)');
      return code;
    }
    case 'plan':
      return planCommand({
        repo: inputs.workspace,
        format: 'github',
        ...(inputs.from ? { from: inputs.from } : {}),
        ...(inputs.to ? { to: inputs.to } : {}),
        // With a daemon named, the plan compares against what it has deployed.
        ...(inputs.server ? { server: inputs.server } : {}),
        ...(inputs.token ? { token: inputs.token } : {}),
      }, (text) => {
        out(text);
        summary(text);
      });
    case 'run': {
      if (!inputs.file) throw new PipelaneError('BAD_REQUEST', 'the run command needs the input "file": the .bpmn file to run.');
      return runCommand(resolve(inputs.workspace, inputs.file), { var: inputs.vars, repo: inputs.workspace, ...(inputs.process ? { process: inputs.process } : {}) }, { out, err });
    }
    case 'sync':
      return sync(inputs, summary);
  }
}

/** Hands the pushed commit to a daemon that follows the repository: it syncs now instead of at its next poll. */
async function sync(inputs: ActionInputs, summary: (text: string) => void): Promise<number> {
  if (!inputs.server) throw new PipelaneError('BAD_REQUEST', 'the sync command needs the input "server": the daemon\'s base URL.');
  const url = new URL('/api/v1/sync', inputs.server);
  let response: Response;
  try {
    response = await fetch(url, { method: 'POST', headers: inputs.token ? { authorization: `Bearer ${inputs.token}` } : {} });
  } catch (e) {
    throw new PipelaneError('SERVER_UNREACHABLE', `the daemon at ${url.origin} cannot be reached: ${toError(e).message}.`);
  }
  const body = await response.text();
  if (!response.ok) {
    err(`::error title=Pipelane sync::the daemon answered ${response.status}: ${body}`);
    return 1;
  }
  out(body);
  summary(`### Pipelane: the daemon at ${url.origin} synced\n\n\`\`\`json\n${body}\n\`\`\``);
  return 0;
}

try {
  process.exitCode = await runAction(loadActionInputs());
} catch (e) {
  const error = toError(e);
  err(`::error title=Pipelane::${error.message}`);
  process.exitCode = error.exitCode;
}
