/**
 * Whether the Docker tests can run here. Under CI (`CI=true`) Docker is
 * required: an engine that cannot be reached, or a missing runtime image,
 * fails the test file instead of skipping it, so a broken CI machine cannot
 * pass green. Elsewhere the tests are skipped with a message.
 */
import Docker from 'dockerode';
import { engineAddress } from '../../src/adapters/docker/connection.js';
import { DEFAULT_IMAGE } from '../../src/model/task-runtime.js';

export const dockerHost = process.env.DOCKER_HOST;

export async function dockerAvailable(image: string = DEFAULT_IMAGE): Promise<boolean> {
  const { options, description } = engineAddress(dockerHost);
  const docker = new Docker(options);
  let problem: string | undefined;
  try {
    await docker.ping();
    try {
      await docker.getImage(image).inspect();
    } catch {
      problem = `the image ${image} is missing; build it with scripts/build-runtime-image.sh`;
    }
  } catch (err) {
    problem = `no Docker engine answers at ${description} (${(err as Error).message}); start one with scripts/start-docker.sh`;
  }
  if (problem === undefined) return true;
  if (process.env.CI === 'true') throw new Error(`Docker is required under CI=true: ${problem}`);
  console.warn(`skipping Docker tests: ${problem}`);
  return false;
}
