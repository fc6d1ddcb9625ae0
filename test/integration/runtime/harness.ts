import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { loadConfig } from '../../../src/config/config.js';
import { deployModelFile, openRuntime } from '../../../src/cli/open-runtime.js';
import { loadModelFile } from '../../../src/gitops/discover.js';
import type { InstanceRecord } from '../../../src/ports/store.js';
import type { RuntimeActivity } from '../../../src/runtime/activity.js';
import type { Runtime } from '../../../src/runtime/runtime.js';

/** A repository in a temp dir, a data dir, and a runtime on the embedded defaults (SQLite, local Docker). */
export class Pipeline {
  readonly repoDir = mkdtempSync(join(tmpdir(), 'pipelane-repo-'));
  readonly dataDir = mkdtempSync(join(tmpdir(), 'pipelane-data-'));
  readonly activity: RuntimeActivity[] = [];
  runtime!: Runtime;

  constructor(private readonly env: Record<string, string> = {}) {}

  write(path: string, text: string): this {
    mkdirSync(dirname(join(this.repoDir, path)), { recursive: true });
    writeFileSync(join(this.repoDir, path), text);
    return this;
  }

  async deploy(file: string): Promise<void> {
    const model = await loadModelFile(this.repoDir, file);
    if (!model.model) throw new Error(model.diagnostics.map((d) => `${d.rule} ${d.element}: ${d.message}`).join('\n'));
    this.runtime ??= openRuntime(loadConfig({ dataDir: this.dataDir, concurrency: 4 }, { ...this.env }));
    this.runtime.onActivity((a) => this.activity.push(a));
    deployModelFile(this.runtime.store, this.repoDir, model, Date.now());
  }

  /** Starts an instance and waits until it ends or stops at an incident. */
  async run(processId: string, variables: Record<string, unknown> = {}, timeoutMs = 60_000): Promise<InstanceRecord> {
    const id = this.runtime.start({ processId, variables, actor: 'test' });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`instance ${id} did not end within ${timeoutMs} ms`)), timeoutMs);
      const check = () => {
        const instance = this.runtime.store.getInstance(id)!;
        if (instance.status !== 'running' || Object.keys(instance.state.incidents).length > 0) {
          clearTimeout(timer);
          off();
          resolve();
        }
      };
      const off = this.runtime.onActivity(check);
      check();
    });
    return this.runtime.store.getInstance(id)!;
  }

  close(): void {
    this.runtime?.stop();
    this.runtime?.store.close();
  }
}
