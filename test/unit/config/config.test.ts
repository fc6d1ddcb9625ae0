import { describe, expect, it } from 'vitest';
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
    };
    const config = loadConfig({}, env);
    expect(Object.keys(config.secrets).sort()).toEqual(['PATH', 'WAREHOUSE_TOKEN']);
    // git still sees the whole environment.
    expect(config.environment).toEqual(env);
  });
});
