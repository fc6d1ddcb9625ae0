import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scriptLanguageOf, scriptLanguageOfPath } from '../../../src/model/script-language.js';
import { repoPathOf } from '../../../src/model/script-path.js';
import { resolveScriptSource, type ScriptSourceInput } from '../../../src/gitops/script-source.js';

describe('scriptLanguageOf', () => {
  it.each([
    ['python', 'python'], ['Python', 'python'], ['PYTHON3', 'python'], ['py', 'python'],
    ['text/x-python', 'python'], ['application/x-python', 'python'], ['text/python', 'python'],
    ['r', 'r'], ['R', 'r'], ['text/x-r', 'r'], ['Rscript', 'r'],
    ['bash', 'bash'], ['sh', 'bash'], ['shell', 'bash'], ['text/x-sh', 'bash'], ['application/x-sh', 'bash'],
  ])('%s → %s', (format, language) => {
    expect(scriptLanguageOf(format)).toBe(language);
  });

  it('knows no JavaScript or Groovy', () => {
    expect(scriptLanguageOf('javascript')).toBeUndefined();
    expect(scriptLanguageOf('groovy')).toBeUndefined();
  });

  it('reads the language from a file extension', () => {
    expect(scriptLanguageOfPath('scripts/train.R')).toBe('r');
    expect(scriptLanguageOfPath('fetch.py')).toBe('python');
    expect(scriptLanguageOfPath('check.sh')).toBe('bash');
    expect(scriptLanguageOfPath('Makefile')).toBeUndefined();
  });
});

describe('repoPathOf', () => {
  it('resolves relative to the naming file, with Camunda prefixes', () => {
    expect(repoPathOf('scripts/fetch.py', 'churn')).toEqual({ ok: true, path: 'churn/scripts/fetch.py' });
    expect(repoPathOf('deployment://scripts/fetch.py', 'churn')).toEqual({ ok: true, path: 'churn/scripts/fetch.py' });
    expect(repoPathOf('classpath://fetch.py', '')).toEqual({ ok: true, path: 'fetch.py' });
    expect(repoPathOf('../shared/util.py', 'churn')).toEqual({ ok: true, path: 'shared/util.py' });
    expect(repoPathOf('scripts\\fetch.py', '.')).toEqual({ ok: true, path: 'scripts/fetch.py' });
  });

  it('refuses paths that leave the repository', () => {
    expect(repoPathOf('../../etc/passwd', 'churn')).toEqual({ ok: false, problem: 'escapes' });
    expect(repoPathOf('scripts/../../x.py', '')).toEqual({ ok: false, problem: 'escapes' });
    expect(repoPathOf('/etc/passwd', 'churn')).toEqual({ ok: false, problem: 'absolute' });
    expect(repoPathOf('C:\\scripts\\x.py', '')).toEqual({ ok: false, problem: 'absolute' });
    expect(repoPathOf('deployment:///etc/passwd', '')).toEqual({ ok: false, problem: 'absolute' });
    expect(repoPathOf('https://example.org/x.py', '')).toEqual({ ok: false, problem: 'url' });
    expect(repoPathOf('  ', '')).toEqual({ ok: false, problem: 'empty' });
  });
});

describe('resolveScriptSource', () => {
  let root: string;
  let repo: string;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'pipelane-script-source-'));
    repo = join(root, 'repo');
    await mkdir(join(repo, 'churn', 'scripts'), { recursive: true });
    await writeFile(join(repo, 'churn', 'scripts', 'fetch.py'), 'print(1)\n');
    await writeFile(join(root, 'outside.py'), 'print("outside")\n');
    await symlink(join(root, 'outside.py'), join(repo, 'churn', 'scripts', 'escape.py'));
    await symlink('fetch.py', join(repo, 'churn', 'scripts', 'alias.py'));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  const input = (spec: ScriptSourceInput['spec'], sidecarScript?: string): ScriptSourceInput => ({
    elementId: 'fetch',
    bpmnFile: 'churn/churn.bpmn',
    spec,
    ...(sidecarScript === undefined ? {} : { sidecar: { file: 'churn/churn.yaml', script: sidecarScript } }),
  });

  it('takes an inline body with its language', async () => {
    const result = await resolveScriptSource(repo, input({ format: 'text/x-python', body: 'print(1)' }));
    expect(result).toEqual({ ok: true, value: { language: 'python', script: { inline: 'print(1)' } }, diagnostics: [] });
  });

  it('takes camunda:resource relative to the .bpmn', async () => {
    const result = await resolveScriptSource(repo, input({ format: 'Python', resource: 'deployment://scripts/fetch.py' }));
    expect(result).toMatchObject({ ok: true, value: { script: { path: 'churn/scripts/fetch.py' } } });
  });

  it('prefers the sidecar script and warns about a shadowed inline body', async () => {
    const result = await resolveScriptSource(repo, input({ format: 'python', body: 'print(2)' }, 'scripts/fetch.py'));
    expect(result).toMatchObject({
      ok: true,
      value: { language: 'python', script: { path: 'churn/scripts/fetch.py' } },
      diagnostics: [{ severity: 'warning', element: 'fetch', file: 'churn/churn.yaml' }],
    });
  });

  it('infers the language from the extension when scriptFormat is missing', async () => {
    const result = await resolveScriptSource(repo, input({}, 'scripts/fetch.py'));
    expect(result).toMatchObject({ ok: true, value: { language: 'python' } });
  });

  it('resolves a symlink inside the repository to its target', async () => {
    const result = await resolveScriptSource(repo, input({ format: 'python', resource: 'scripts/alias.py' }));
    expect(result).toMatchObject({ ok: true, value: { script: { path: 'churn/scripts/fetch.py' } } });
  });

  it.each([
    ['a path with ..', '../../outside.py', 'leaves the repository'],
    ['an absolute path', '/etc/passwd', 'is absolute'],
    ['a symlink pointing outside', 'scripts/escape.py', 'symlink that leaves the repository'],
    ['a missing file', 'scripts/missing.py', 'does not exist'],
    ['a directory', 'scripts', 'is not a file'],
  ])('refuses %s, naming the file and the task', async (_, path, words) => {
    const result = await resolveScriptSource(repo, input({ format: 'python' }, path));
    expect(result.ok).toBe(false);
    expect(result.diagnostics).toHaveLength(1);
    const [d] = result.diagnostics;
    expect(d).toMatchObject({ severity: 'error', rule: 'pipelane/script-path', file: 'churn/churn.yaml', element: 'fetch' });
    expect(d?.message).toContain(words);
    expect(d?.message).toContain('fetch');
  });

  it('refuses a camunda:resource escape, naming the .bpmn', async () => {
    const result = await resolveScriptSource(repo, input({ format: 'python', resource: '../../outside.py' }));
    expect(result).toMatchObject({ ok: false, diagnostics: [{ rule: 'pipelane/script-path', file: 'churn/churn.bpmn' }] });
  });

  it('refuses an unknown language and a task without a script', async () => {
    expect(await resolveScriptSource(repo, input({ format: 'groovy', body: 'x' }))).toMatchObject({
      ok: false,
      diagnostics: [{ rule: 'pipelane/script-format', element: 'fetch' }],
    });
    expect(await resolveScriptSource(repo, input({ format: 'python' }))).toMatchObject({
      ok: false,
      diagnostics: [{ rule: 'pipelane/script-source', element: 'fetch' }],
    });
  });
});
