export { DockerContainerRunner, type DockerRunnerOptions } from './docker-runner.js';
export { engineAddress } from './connection.js';
export { LABEL, containerName } from './labels.js';
