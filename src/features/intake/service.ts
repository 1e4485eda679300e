/**
 * Intake as the signed-in user does it, shared by the API and the screens: each function runs in
 * the user's scope (row-level security) and leaves the heavy work to the job runner.
 */
import type { FastifyRequest } from 'fastify';
import type { Readable } from 'node:stream';
import fs from 'node:fs';
import path from 'node:path';
import { actorOf, scoped } from '../../http/context.js';
import type { Lang } from '../../domain/messages.js';
import { UserError } from '../../domain/user-error.js';
import { getProgramme } from '../programmes/programmes.js';
import { logAccess } from '../registry/access-log.js';
import { createBatch, getBatch, storeUpload, uploadDir, type BatchSummary } from './batches.js';
import { approveBatch, decideReview, returnBatch, submitBatch, type ApproveResult, type Decider } from './decide.js';
import { FIELD_LABELS, type Field } from './headers.js';
import { batchHeaders, listReviews, listRows, reportRows, type RowFilter } from './rows.js';
import { writeBatchReport } from './report-xlsx.js';
import type { IntakeJobRunner } from './jobs.js';

declare module 'fastify' {
  interface FastifyInstance {
    intakeJobs: IntakeJobRunner;
  }
}

function decider(req: FastifyRequest): Decider {
  const a = actorOf(req);
  return { userId: a.userId, label: a.username };
}

export interface UploadInput {
  programme: string;
  area?: string;
  force?: boolean;
  fileName: string;
  file: Readable;
}

/** Stores the file, creates the batch in the user's area and queues its check. */
export async function uploadBatch(req: FastifyRequest, input: UploadInput): Promise<number> {
  const { config } = req.server;
  const stored = await storeUpload(config.dataDir, input.file, config.maxUploadBytes);
  const actor = actorOf(req);
  const id = await scoped(req, async (tx) => {
    const p = await getProgramme(tx, input.programme);
    const area = input.area || actor.areaCode || p.funderAreaCode;
    return createBatch(tx, {
      programme: p, areaCode: area, source: 'file', fileName: input.fileName.slice(0, 200), sha256: stored.sha256, bytes: stored.bytes,
      createdBy: actor.userId, createdByLabel: actor.username, force: input.force,
    });
  });
  req.server.intakeJobs.enqueue(id);
  return id;
}

/** The one-person form: written as a one-row CSV and checked exactly like a file. */
export const FORM_FIELDS: readonly Field[] = [
  'nik', 'kk', 'full_name', 'birth_place', 'birth_date', 'sex', 'marital_status', 'address', 'area_code', 'phone', 'occupation',
  'declared_income', 'dtsen_decile', 'extreme_poor', 'disability', 'mother_name', 'bank_name', 'bank_account',
];

export async function submitForm(req: FastifyRequest, programme: string, values: Partial<Record<Field, string>>): Promise<number> {
  const quote = (v: string) => `"${v.replace(/"/g, '""')}"`;
  const csv = `${FORM_FIELDS.map((f) => quote(FIELD_LABELS[f].id)).join(';')}\n${FORM_FIELDS.map((f) => quote(values[f] ?? '')).join(';')}\n`;
  const { config } = req.server;
  await fs.promises.mkdir(uploadDir(config.dataDir), { recursive: true });
  const tmp = path.join(uploadDir(config.dataDir), `.form-${req.id}.csv`);
  await fs.promises.writeFile(tmp, csv);
  try {
    const stored = await storeUpload(config.dataDir, tmp, config.maxUploadBytes);
    const actor = actorOf(req);
    const id = await scoped(req, async (tx) => {
      const p = await getProgramme(tx, programme);
      return createBatch(tx, {
        programme: p, areaCode: actor.areaCode ?? p.funderAreaCode, source: 'form', fileName: null, sha256: stored.sha256, bytes: stored.bytes,
        createdBy: actor.userId, createdByLabel: actor.username,
      });
    });
    req.server.intakeJobs.enqueue(id);
    return id;
  } finally {
    await fs.promises.rm(tmp, { force: true });
  }
}

export function batchOf(req: FastifyRequest, id: number): Promise<BatchSummary> {
  return scoped(req, (tx) => getBatch(tx, id));
}

export async function batchRows(req: FastifyRequest, id: number, filter: RowFilter, page: number) {
  const actor = actorOf(req);
  return scoped(req, async (tx) => {
    await getBatch(tx, id);
    const result = await listRows(tx, id, actor.role, { filter, page });
    await logAccess(tx, actor, { action: 'view', subjectType: 'intake_row', ids: [], purpose: 'intake.rows', query: { batch: id, filter, page, rows: result.rows.length }, requestId: req.id });
    return result;
  });
}

export async function batchReviews(req: FastifyRequest, id: number, open?: boolean) {
  const actor = actorOf(req);
  return scoped(req, async (tx) => {
    await getBatch(tx, id);
    const items = await listReviews(tx, id, actor.role, { open });
    await logAccess(tx, actor, { action: 'view', subjectType: 'person', ids: [], purpose: 'intake.duplicates', query: { batch: id, reviews: items.length }, requestId: req.id });
    return items;
  });
}

export function submit(req: FastifyRequest, id: number): Promise<void> {
  return scoped(req, (tx) => submitBatch(tx, id, decider(req)));
}

export function approve(req: FastifyRequest, id: number, note: string | null): Promise<ApproveResult> {
  return scoped(req, (tx) => approveBatch(tx, id, decider(req), note));
}

export function sendBack(req: FastifyRequest, id: number, note: string): Promise<void> {
  return scoped(req, (tx) => returnBatch(tx, id, decider(req), note));
}

export function decide(req: FastifyRequest, id: number, reviewId: number, decision: 'same' | 'different'): Promise<void> {
  return scoped(req, (tx) => decideReview(tx, id, { reviewId, decision }, decider(req)));
}

export async function cancel(req: FastifyRequest, id: number): Promise<void> {
  const b = await batchOf(req, id);
  if (b.status !== 'queued' && b.status !== 'checking') {
    throw new UserError('conflict', 'batch_not_running', {
      id: `Pemeriksaan batch #${id} sudah selesai (status: ${b.status}); tidak ada yang dibatalkan.`,
      en: `The check of batch #${id} has finished (status: ${b.status}); nothing to cancel.`,
    });
  }
  await req.server.intakeJobs.cancel(id);
}

/** Writes the report to a temporary file (streamed from the database) and returns its path. */
export async function writeReport(req: FastifyRequest, id: number, lang: Lang): Promise<{ file: string; name: string }> {
  const actor = actorOf(req);
  const { config } = req.server;
  await fs.promises.mkdir(uploadDir(config.dataDir), { recursive: true });
  const file = path.join(uploadDir(config.dataDir), `.report-${req.id}.xlsx`);
  await scoped(req, async (tx) => {
    const b = await getBatch(tx, id);
    const headers = await batchHeaders(tx, id);
    await writeBatchReport(file, { headers, rows: reportRows(tx, id, lang), lang, title: `Batch #${id} — ${b.programmeCode} — ${b.areaName}` });
    await logAccess(tx, actor, { action: 'export', subjectType: 'intake_row', ids: [], purpose: 'intake.report', query: { batch: id }, requestId: req.id });
  });
  return { file, name: `laporan-batch-${id}.xlsx` };
}
