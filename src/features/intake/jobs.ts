/**
 * Checks run as background jobs, one at a time, in the server process: the upload request
 * returns at once, the batch page shows progress, a check can be cancelled, and checks cut off
 * by a restart are picked up again at the next start (a check restarts from its stored file).
 */
import { asSystem } from '../../db/scope.js';
import type { Db } from '../../db/types.js';
import { uploadPath } from './batches.js';
import { BatchFileProblem, CheckCancelled, checkBatch, type BatchCounts, type CheckPhase } from './check.js';
import { IntakeFileError } from './read-file.js';

/** Thrown inside a check when the server stops: the batch stays 'checking' and resumes later. */
class JobInterrupted extends Error {}

export class IntakeJobRunner {
  private readonly queue: number[] = [];
  private readonly cancelled = new Set<number>();
  private running: Promise<void> | null = null;
  private stopping = false;
  private readonly waiters: (() => void)[] = [];

  constructor(
    private readonly db: Db,
    private readonly dataDir: string,
    private readonly log: (msg: string) => void = () => undefined,
    private readonly today?: string,
  ) {}

  /** Queues the checks that were waiting or running when the process stopped. */
  async resume(): Promise<number> {
    const rows = await this.db.query<{ id: number }>(`SELECT id FROM intake_batch WHERE status IN ('queued', 'checking') ORDER BY id`);
    for (const r of rows) this.enqueue(r.id);
    return rows.length;
  }

  enqueue(batchId: number): void {
    if (this.stopping || this.queue.includes(batchId)) return;
    this.queue.push(batchId);
    this.running ??= this.drain();
  }

  /** Asks a queued or running check to stop; the batch becomes 'cancelled'. */
  async cancel(batchId: number): Promise<void> {
    this.cancelled.add(batchId);
    const i = this.queue.indexOf(batchId);
    if (i > 0 || (i === 0 && !this.running)) this.queue.splice(i, 1);
    await asSystem(this.db, 'intake', async (tx) => {
      await tx.query('UPDATE intake_job SET cancel_requested = true WHERE batch_id = $1', [batchId]);
      // Not running: nothing will notice the flag, so the batch is cancelled here.
      await tx.query(`UPDATE intake_batch SET status = 'cancelled', finished_at = now(), updated_at = now() WHERE id = $1 AND status = 'queued'`, [batchId]);
    });
  }

  /** Resolves when no check is queued or running (tests, CLI). */
  whenIdle(): Promise<void> {
    if (!this.running) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Stops after the current chunk; an interrupted check resumes at the next start. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.queue.length = 0;
    await this.running;
  }

  private async drain(): Promise<void> {
    try {
      for (let id = this.queue[0]; id !== undefined; id = this.queue[0]) {
        await this.runOne(id);
        this.queue.shift();
      }
    } finally {
      this.running = null;
      for (const w of this.waiters.splice(0)) w();
    }
  }

  private async runOne(batchId: number): Promise<void> {
    const [b] = await this.db.query<{ file_sha256: string | null; status: string; cancel_requested: boolean | null }>(
      `SELECT b.file_sha256, b.status, j.cancel_requested FROM intake_batch b LEFT JOIN intake_job j ON j.batch_id = b.id WHERE b.id = $1`,
      [batchId],
    );
    if (!b || !['queued', 'checking'].includes(b.status) || !b.file_sha256) return;
    if (b.cancel_requested) this.cancelled.add(batchId);
    await this.db.query('UPDATE intake_job SET attempts = attempts + 1, started_at = now(), heartbeat_at = now() WHERE batch_id = $1', [batchId]);
    let lastWrite = 0;
    let lastPhase = '';
    try {
      const counts: BatchCounts = await checkBatch(this.db, batchId, uploadPath(this.dataDir, b.file_sha256), {
        today: this.today,
        onProgress: (phase: CheckPhase, done: number, total: number | null) => {
          const now = Date.now();
          if (phase === lastPhase && now - lastWrite < 500) return;
          lastPhase = phase;
          lastWrite = now;
          void this.db
            .query('UPDATE intake_job SET phase = $2, done = $3, total = $4, heartbeat_at = now() WHERE batch_id = $1', [batchId, phase, done, total])
            .catch(() => undefined);
        },
        isCancelled: () => {
          if (this.stopping) throw new JobInterrupted();
          return this.cancelled.has(batchId);
        },
      });
      this.log(`Batch ${batchId} checked: ${counts.rows} rows, ${counts.valid} valid, ${counts.eligible} eligible`);
    } catch (e) {
      if (e instanceof JobInterrupted) return;
      if (e instanceof CheckCancelled) this.log(`Batch ${batchId} cancelled`);
      else if (e instanceof BatchFileProblem || e instanceof IntakeFileError) this.log(`Batch ${batchId} failed: ${(e as Error).message}`);
      else {
        this.log(`Batch ${batchId} failed unexpectedly: ${(e as Error).stack ?? String(e)}`);
        await asSystem(this.db, 'intake', async (tx) => {
          await tx.query('DELETE FROM intake_row WHERE batch_id = $1', [batchId]);
          await tx.query(`UPDATE intake_batch SET status = 'failed', error = $2, finished_at = now(), updated_at = now() WHERE id = $1`, [
            batchId,
            JSON.stringify([{ code: 'internal', id: 'Pemeriksaan berhenti karena kesalahan sistem. Unggah ulang berkas; bila berulang, hubungi administrator.', en: 'The check stopped on a system error. Upload the file again; if it happens again, contact the administrator.' }]),
          ]);
        }).catch(() => undefined);
      }
    } finally {
      this.cancelled.delete(batchId);
      await this.db.query(`UPDATE intake_job SET phase = 'finished', heartbeat_at = now() WHERE batch_id = $1`, [batchId]).catch(() => undefined);
    }
  }
}
