/**
 * Where the Docker engine is. The adapter never reads the environment: the
 * caller passes `dockerHost` (DOCKER_HOST, read once by config/), and every
 * dockerode option is set here so docker-modem's own environment defaults
 * cannot override it.
 */
import Docker from 'dockerode';

export const DEFAULT_SOCKET = '/var/run/docker.sock';

export interface EngineAddress {
  options: Docker.DockerOptions;
  /** How the address is named in messages: `unix:///var/run/docker.sock`, `tcp://host:2375`. */
  description: string;
}

/** `unix:///path`, `/path`, `tcp://host:port`, `http(s)://host:port` or `ssh://user@host`. */
export function engineAddress(dockerHost?: string): EngineAddress {
  const host = dockerHost?.trim() || `unix://${DEFAULT_SOCKET}`;
  if (host.startsWith('unix://') || host.startsWith('/')) {
    const socketPath = host.startsWith('unix://') ? host.slice('unix://'.length) || DEFAULT_SOCKET : host;
    return { options: { socketPath, host: undefined, port: undefined }, description: `unix://${socketPath}` };
  }
  const url = new URL(host.includes('://') ? host : `tcp://${host}`);
  const protocol = url.protocol === 'ssh:' ? 'ssh' : url.protocol === 'https:' || url.port === '2376' ? 'https' : 'http';
  return {
    options: {
      socketPath: undefined,
      host: url.hostname,
      port: url.port || (protocol === 'ssh' ? 22 : protocol === 'https' ? 2376 : 2375),
      protocol,
      ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
    },
    description: host,
  };
}

export function connect(dockerHost?: string): { docker: Docker; address: EngineAddress } {
  const address = engineAddress(dockerHost);
  return { docker: new Docker(address.options), address };
}
