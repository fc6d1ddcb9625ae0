/** Deployments: one row per version of a .bpmn file, and the processes each holds. */
import type { DeploymentModel } from '../../model/process-model.js';
import type { Sidecar } from '../../model/sidecar.js';
import type { DeploymentRecord } from '../../ports/store.js';
import { type Connection, fromJson, orNull } from './connection.js';

interface DeploymentRow {
  id: string;
  file: string;
  hash: string;
  commit_sha: string | null;
  process_ids: string;
  model: string;
  sidecar: string | null;
  repo_dir: string;
  deployed_at: number;
  active: number;
}

const COLUMNS = 'id, file, hash, commit_sha, process_ids, model, sidecar, repo_dir, deployed_at, active';
const HEADER_COLUMNS = 'id, file, hash, commit_sha, repo_dir, deployed_at, active';

type DeploymentHeader = Omit<DeploymentRow, 'process_ids' | 'model' | 'sidecar'>;
const NEWEST_FIRST = 'ORDER BY deployed_at DESC, rowid DESC';

export class DeploymentTable {
  // An upsert, not INSERT OR REPLACE: replacing would delete the row that instances reference.
  private readonly upsert;
  private readonly deleteProcesses;
  private readonly insertProcess;
  private readonly byId;
  private readonly headerById;
  private readonly all;
  private readonly allActive;
  private readonly activeOf;
  private readonly setActive;
  private readonly parsed = new Map<string, Pick<DeploymentRecord, 'processIds' | 'model' | 'sidecar'>>();

  constructor(db: Connection) {
    this.upsert = db.prepare<DeploymentRow>(
      `INSERT INTO deployments (${COLUMNS})
       VALUES (@id, @file, @hash, @commit_sha, @process_ids, @model, @sidecar, @repo_dir, @deployed_at, @active)
       ON CONFLICT (id) DO UPDATE SET
         file = excluded.file, hash = excluded.hash, commit_sha = excluded.commit_sha,
         process_ids = excluded.process_ids, model = excluded.model, sidecar = excluded.sidecar,
         repo_dir = excluded.repo_dir, deployed_at = excluded.deployed_at, active = excluded.active`,
    );
    this.deleteProcesses = db.prepare<[string]>('DELETE FROM deployment_processes WHERE deployment_id = ?');
    this.insertProcess = db.prepare<[string, string]>(
      'INSERT OR IGNORE INTO deployment_processes (process_id, deployment_id) VALUES (?, ?)',
    );
    this.byId = db.prepare<[string], DeploymentRow>(`SELECT ${COLUMNS} FROM deployments WHERE id = ?`);
    this.headerById = db.prepare<[string], DeploymentHeader>(`SELECT ${HEADER_COLUMNS} FROM deployments WHERE id = ?`);
    this.all = db.prepare<[], DeploymentRow>(`SELECT ${COLUMNS} FROM deployments ${NEWEST_FIRST}`);
    this.allActive = db.prepare<[], DeploymentRow>(`SELECT ${COLUMNS} FROM deployments WHERE active = 1 ${NEWEST_FIRST}`);
    this.activeOf = db.prepare<[string], DeploymentRow>(
      `SELECT ${COLUMNS.split(', ').map((c) => `d.${c}`).join(', ')}
       FROM deployment_processes p JOIN deployments d ON d.id = p.deployment_id
       WHERE p.process_id = ? AND d.active = 1
       ORDER BY d.deployed_at DESC, d.rowid DESC LIMIT 1`,
    );
    this.setActive = db.prepare<[number, string]>('UPDATE deployments SET active = ? WHERE id = ?');
  }

  /** Call inside a transaction: the row and its process index change together. */
  put(deployment: DeploymentRecord): void {
    this.upsert.run(toRow(deployment));
    this.deleteProcesses.run(deployment.id);
    for (const processId of deployment.processIds) this.insertProcess.run(processId, deployment.id);
  }

  /** Every engine step reads its deployment: once its content is parsed, only the small columns are read again. */
  get(id: string): DeploymentRecord | undefined {
    const content = this.parsed.get(id);
    if (content) {
      const header = this.headerById.get(id);
      return header && this.fromRow({ ...header, process_ids: '', model: '', sidecar: null });
    }
    const row = this.byId.get(id);
    return row && this.fromRow(row);
  }

  list(activeOnly: boolean): DeploymentRecord[] {
    return (activeOnly ? this.allActive : this.all).all().map((row) => this.fromRow(row));
  }

  activeDeploymentOf(processId: string): DeploymentRecord | undefined {
    const row = this.activeOf.get(processId);
    return row && this.fromRow(row);
  }

  /**
   * A deployment's content never changes under its id (the id is the file and
   * its content hash), so the parsed model and sidecar are kept: every engine
   * step needs its model, and parsing it again each time would dominate.
   */
  private fromRow(row: DeploymentRow): DeploymentRecord {
    let content = this.parsed.get(row.id);
    if (!content) {
      content = {
        processIds: fromJson<string[]>(row.process_ids),
        model: fromJson<DeploymentModel>(row.model),
        ...(row.sidecar === null ? {} : { sidecar: fromJson<Sidecar>(row.sidecar) }),
      };
      this.parsed.set(row.id, content);
    }
    return {
      id: row.id,
      file: row.file,
      hash: row.hash,
      ...(row.commit_sha === null ? {} : { commit: row.commit_sha }),
      ...content,
      repoDir: row.repo_dir,
      deployedAt: row.deployed_at,
      active: row.active === 1,
    };
  }

  setDeploymentActive(id: string, active: boolean): boolean {
    return this.setActive.run(active ? 1 : 0, id).changes > 0;
  }
}

function toRow(d: DeploymentRecord): DeploymentRow {
  return {
    id: d.id,
    file: d.file,
    hash: d.hash,
    commit_sha: orNull(d.commit),
    process_ids: JSON.stringify(d.processIds),
    model: JSON.stringify(d.model),
    sidecar: d.sidecar === undefined ? null : JSON.stringify(d.sidecar),
    repo_dir: d.repoDir,
    deployed_at: d.deployedAt,
    active: d.active ? 1 : 0,
  };
}

