/**
 * Names of the daemon's own settings and credentials in its environment.
 * A sidecar's `secrets` may name any other variable of the daemon's
 * environment, never these: whoever commits a sidecar must not be able to
 * hand the daemon's API tokens, webhook secret or git and GitHub
 * credentials to a script (which could write them to $PIPELANE_OUTPUT).
 */
// ACTIONS_ and RUNNER_: a GitHub runner's own tokens, where `pipelane run` runs in the Action.
const DAEMON_SETTING = /^(PIPELANE_|DOCKER_|GIT_|ACTIONS_|RUNNER_)|^(GITHUB_TOKEN|GH_TOKEN|SSH_AUTH_SOCK)$/;

export function isDaemonSetting(name: string): boolean {
  return DAEMON_SETTING.test(name);
}
