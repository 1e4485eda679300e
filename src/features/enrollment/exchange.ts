/**
 * The file exchange with BPJS over HTTP: a submission batch's file out (XLSX or CSV), BPJS's
 * answer file in. Files go through the data folder, never whole in memory.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { scoped } from '../../http/context.js';
import { problems } from '../../http/problem.js';
import { todayInNtt } from '../../clock.js';
import { storeUpload, uploadDir, uploadPath } from '../intake/batches.js';
import { writeSubmissionFile } from './export-file.js';
import { readResponseFile } from './response-file.js';
import { applyResponse, submissionRows, type ResponseResult } from './submissions.js';

const TYPES = { xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', csv: 'text/csv; charset=utf-8' } as const;

export async function sendSubmissionFile(req: FastifyRequest, reply: FastifyReply, batchId: number, format: 'xlsx' | 'csv'): Promise<FastifyReply> {
  const data = await scoped(req, (tx) => submissionRows(tx, batchId));
  const dir = uploadDir(req.server.config.dataDir);
  await fs.promises.mkdir(dir, { recursive: true });
  const file = path.join(dir, `.submission-${req.id}.${format}`);
  await writeSubmissionFile(file, data);
  const stream = fs.createReadStream(file);
  stream.on('close', () => void fs.promises.rm(file, { force: true }));
  const name = `pengajuan-${data.batch.code}-${batchId}.${format}`;
  return reply.type(TYPES[format]).header('content-disposition', `attachment; filename="${name}"`).send(stream);
}

/** BPJS's answer to a batch, uploaded as multipart (field "file"): applied all or nothing. */
export async function receiveResponse(req: FastifyRequest, batchId: number): Promise<ResponseResult> {
  if (!req.isMultipart()) {
    throw problems.badRequest({ id: 'Kirim berkas jawaban BPJS sebagai multipart/form-data dengan kolom "file".', en: 'Send BPJS\'s answer file as multipart/form-data with the field "file".' });
  }
  const data = await req.file();
  if (!data) throw problems.badRequest({ id: 'Tidak ada berkas yang dikirim. Pilih berkas jawaban BPJS (CSV atau XLSX).', en: 'No file was sent. Choose BPJS\'s answer file (CSV or XLSX).' });
  const { config } = req.server;
  const stored = await storeUpload(config.dataDir, data.file, config.maxUploadBytes);
  const { lines, sha256 } = await readResponseFile(uploadPath(config.dataDir, stored.sha256), todayInNtt());
  return scoped(req, (tx) => applyResponse(tx, batchId, lines, sha256));
}
