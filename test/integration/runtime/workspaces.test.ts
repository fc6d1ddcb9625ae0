import { existsSync, mkdirSync, mkdtempSync, utimesSync } from 'node:fs';
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
  expect(sweepWorkspaces(store, dir, 7 * day, now).sort()).toEqual(['old', 'orphan']);
  expect(existsSync(join(dir, 'recent'))).toBe(true);
  expect(existsSync(join(dir, 'running'))).toBe(true);
  store.close();
});
