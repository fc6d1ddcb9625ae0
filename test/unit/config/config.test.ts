import { describe, expect, it } from 'vitest';
import { apiToken } from '../../../src/config/api-tokens.js';
import { DEFAULTS, loadConfig } from '../../../src/config/config.js';
import { PipelaneError } from '../../../src/errors.js';

describe('loadConfig', () => {
  it('takes flags over the environment over the defaults, and freezes the result', () => {
    const config = loadConfig({ port: 9000 }, { PIPELANE_PORT: '8181', PIPELANE_CONCURRENCY: '8' });
    expect(config).toMatchObject({ port: 9000, concurrency: 8, host: DEFAULTS.host, logLevel: 'info', workspaceRetentionMs: 7 * 86_400_000 });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('refuses bad values with one CONFIG_INVALID naming each', () => {
    let error: unknown;
    try {
      loadConfig({}, { PIPELANE_PORT: '70000', PIPELANE_TOKENS: 'short', PIPELANE_WORKSPACE_RETENTION: 'forever' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PipelaneError);
    expect((error as PipelaneError).code).toBe('CONFIG_INVALID');
    expect((error as PipelaneError).message).toMatch(/port: .*tokens\.0: a token must have at least 16 characters.*workspaceRetentionMs: is not a duration/s);
  });

  it('offers tasks the environment without the daemon\'s own settings and credentials', () => {
    const env = {
      WAREHOUSE_TOKEN: 'w',
      PATH: '/usr/bin',
      PIPELANE_TOKENS: 'api-token-0123456789',
      PIPELANE_GIT_TOKEN: 'git',
      PIPELANE_GITHUB_WEBHOOK_SECRET: 'hook',
      GITHUB_TOKEN: 'gh',
      GH_TOKEN: 'gh2',
      DOCKER_HOST: 'unix:///var/run/docker.sock',
      GIT_ASKPASS: '/bin/true',
      SSH_AUTH_SOCK: '/tmp/agent',
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'oidc',
      RUNNER_TEMP: '/tmp',
    };
    const config = loadConfig({}, env);
    expect(Object.keys(config.secrets).sort()).toEqual(['PATH', 'WAREHOUSE_TOKEN']);
    // git still sees the whole environment.
    expect(config.environment).toEqual(env);
  });
});

describe('apiToken', () => {
  it('reads name=token, and a bare token, padding and all', () => {
    expect(apiToken('ada=0123456789abcdef', 0)).toEqual({ name: 'ada', secret: '0123456789abcdef' });
    expect(apiToken('0123456789abcdef', 1)).toEqual({ name: 'token2', secret: '0123456789abcdef' });
    expect(apiToken('dGhpcyBpcyBhIHRva2Vu==', 0)).toEqual({ name: 'token1', secret: 'dGhpcyBpcyBhIHRva2Vu==' });
    expect(() => loadConfig({}, { PIPELANE_TOKENS: 'ada=short' })).toThrow(/at least 16 characters/);
  });
});
