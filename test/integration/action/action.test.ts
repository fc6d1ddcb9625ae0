import { execFileSync, spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { bpmnXml, script } from '../../support/bpmn.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** Runs the action's entry the way action.yml does: inputs as PIPELANE_ACTION_* variables. */
function action(inputs: Record<string, string>, workspace: string): Promise<{ code: number; stdout: string; summary: string }> {
  const summaryFile = join(workspace, '..', `summary-${Date.now()}.md`);
  writeFileSync(summaryFile, '');
  const env: NodeJS.ProcessEnv = { ...process.env, GITHUB_WORKSPACE: workspace, GITHUB_STEP_SUMMARY: summaryFile };
  for (const [name, value] of Object.entries(inputs)) env[`PIPELANE_ACTION_${name.toUpperCase()}`] = value;
  return new Promise((done) => {
    const tsx = pathToFileURL(join(root, 'node_modules/tsx/dist/loader.mjs')).href;
    const child = spawn(process.execPath, ['--import', tsx, join(root, 'src/action/main.ts')], { env, cwd: workspace });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.on('exit', (code) => done({ code: code ?? -1, stdout, summary: readFileSync(summaryFile, 'utf8') }));
  });
}

function workspace(): string {
  return mkdtempSync(join(mkdtempSync(join(tmpdir(), 'pipelane-action-')), 'ws-'));
}

const valid = bpmnXml('ok', [{ id: 's', tag: 'startEvent' }, script('t', 'bash', 'echo hi'), { id: 'e', tag: 'endEvent' }], [['s', 't'], ['t', 'e']]);

describe('the GitHub Action', () => {
  it('passes every input of action.yml to the entry', () => {
    const spec = parse(readFileSync(join(root, 'action.yml'), 'utf8')) as { inputs: Record<string, unknown>; runs: { steps: { env?: Record<string, string> }[] } };
    const env = spec.runs.steps.flatMap((s) => Object.entries(s.env ?? {}));
    for (const input of Object.keys(spec.inputs)) {
      expect(env).toContainEqual([`PIPELANE_ACTION_${input.toUpperCase()}`, `\${{ inputs.${input} }}`]);
    }
  });

  it('validates: annotations for an invalid model, exit 1, and a line in the job summary', async () => {
    const ws = workspace();
    writeFileSync(join(ws, 'ok.bpmn'), valid);
    writeFileSync(join(ws, 'broken.bpmn'), valid.replace('id="ok"', 'id="broken"').replace('<endEvent id="e">', '<endEvent id="t">'));
    const result = await action({ command: 'validate' }, ws);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^::error file=broken\.bpmn,line=\d+,title=EXT002 t::/m);
    expect(result.summary).toContain('some models are invalid');
  }, 60_000);

  it('plans: the changes of the commit go to the job summary', async () => {
    const ws = workspace();
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd: ws });
    git('init', '-q', '-b', 'main');
    git('commit', '-q', '--allow-empty', '-m', 'empty');
    writeFileSync(join(ws, 'ok.bpmn'), valid);
    git('add', '.');
    git('commit', '-q', '-m', 'add ok');
    const result = await action({ command: 'plan', from: 'HEAD~1', to: 'HEAD' }, ws);
    expect(result.code).toBe(0);
    expect(result.summary).toContain('ok');
    expect(result.summary.length).toBeGreaterThan(20);
  }, 60_000);

  it('syncs: asks the daemon to deploy now, with its token', async () => {
    const seen: { method?: string; url?: string; auth?: string }[] = [];
    const server = createServer((req, res) => {
      seen.push({ method: req.method, url: req.url, auth: req.headers.authorization });
      res.writeHead(202, { 'content-type': 'application/json' }).end('{"commit":"abc123"}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    const result = await action({ command: 'sync', server: `http://127.0.0.1:${port}`, token: 'a-token-of-sixteen-chars' }, workspace());
    server.close();
    expect(result.code).toBe(0);
    expect(seen).toEqual([{ method: 'POST', url: '/api/v1/sync', auth: 'Bearer a-token-of-sixteen-chars' }]);
    expect(result.summary).toContain('synced');
  }, 60_000);
});
