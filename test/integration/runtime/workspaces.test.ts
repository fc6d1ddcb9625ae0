import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { openSqliteStore } from '../../../src/adapters/sqlite/index.js';
import { sweepWorkspaces } from '../../../src/runtime/workspaces.js';
import { deployment, instance } from '../../store/fixtures.js';

it('removes the workspaces of instances that ended longer ago than the retention, and keeps running ones', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'pipelane-ws-'));
  const store = openSqliteStore(dataDir);
  const dir = join(dataDir, 'workspaces');
  const day = 86_400_000;
  const now = 100 * day;
  store.putDeployment(deployment('churn.bpmn@1'));
  const old = instance('old', { status: 'completed', createdAt: now - 8 * day });
  const recent = instance('recent', { status: 'failed', createdAt: now - 1 * day });
  const running = instance('running', { status: 'running', createdAt: now - 30 * day });
  for (const i of [old, recent, running]) {
    store.createInstance(i);
    mkdirSync(join(dir, i.id), { recursive: true });
  }
  mkdirSync(join(dir, 'orphan'));
  utimesSync(join(dir, 'orphan'), (now - 9 * day) / 1000, (now - 9 * day) / 1000);
  expect(sweepWorkspaces(store, dir, 7 * day, now)).toEqual({ removed: expect.arrayContaining(['old', 'orphan']), failed: [] });
  expect(existsSync(join(dir, 'recent'))).toBe(true);
  expect(existsSync(join(dir, 'running'))).toBe(true);
  store.close();
});

it('reports a workspace it cannot remove and goes on with the others', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'pipelane-ws-'));
  const store = openSqliteStore(dataDir);
  const dir = join(dataDir, 'workspaces');
  const day = 86_400_000;
  const now = 100 * day;
  for (const name of ['stuck', 'free']) {
    mkdirSync(join(dir, name), { recursive: true });
    writeFileSync(join(dir, name, 'report.csv'), 'x\n');
    utimesSync(join(dir, name), (now - 9 * day) / 1000, (now - 9 * day) / 1000);
  }
  // A file the daemon may not remove: immutable for root, a read-only directory for anyone else.
  const stuckFile = join(dir, 'stuck', 'report.csv');
  const asRoot = process.getuid?.() === 0;
  if (asRoot) execFileSync('chattr', ['+i', stuckFile]);
  else chmodSync(join(dir, 'stuck'), 0o500);
  try {
    const result = sweepWorkspaces(store, dir, 7 * day, now);
    expect(result.removed).toEqual(['free']);
    expect(result.failed).toEqual([{ name: 'stuck', message: expect.any(String) }]);
    expect(existsSync(stuckFile)).toBe(true);
  } finally {
    if (asRoot) execFileSync('chattr', ['-i', stuckFile]);
    else chmodSync(join(dir, 'stuck'), 0o700);
    store.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
