import { execFileSync } from 'node:child_process';
import { beforeAll, expect, it } from 'vitest';
import { dockerAvailable } from '../docker-available.js';

const IMAGE = 'pipelane/pipelane:local';
let ready = false;

beforeAll(async () => {
  ready = await dockerAvailable(IMAGE);
});

/** The daemon's image (scripts/build-daemon-image.sh) runs the CLI: it validates the examples it carries. */
it('runs pipelane from the daemon image', async ({ skip }) => {
  if (!ready) skip();
  const out = execFileSync('docker', ['run', '--rm', IMAGE, 'validate', '/opt/pipelane/examples', '--format', 'json'], { encoding: 'utf8' });
  const diagnostics = JSON.parse(out) as { severity: string }[];
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const help = execFileSync('docker', ['run', '--rm', IMAGE, '--help'], { encoding: 'utf8' });
  expect(help).toContain('validate');
}, 60_000);
