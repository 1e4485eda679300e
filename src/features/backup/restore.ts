/**
 * `lindung restore FILE`: puts an archive written by createBackup (on PGlite or PostgreSQL) back
 * into a fresh, migrated database of either kind. All or nothing: one transaction, rolled back on
 * any refusal or error, so a damaged file leaves the database exactly as empty as it was.
 * History is copied verbatim (the history triggers stand aside while `lindung.restoring` is on),
 * so the hash chain verifies afterwards with the same head hash.
 */
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { Db, Queryable } from '../../db/types.js';
import {
  ARCHIVE_FORMAT,
  ARCHIVE_FORMAT_VERSION,
  BackupError,
  describeTables,
  gzipLines,
  quoteIdent,
  schemaVersionOf,
  type ArchiveFooter,
  type ArchiveHeader,
  type ArchiveTableLine,
  type TableInfo,
} from './archive.js';

export const RESTORE_CHUNK_ROWS = 5_000;

export interface RestoreOptions {
  /** Called after every chunk: the table and how many of its rows are restored so far. */
  onProgress?(table: string, rows: number): void;
}

export interface RestoreResult {
  tables: { name: string; rows: number }[];
  /** From the archive's header. */
  schemaVersion: number;
  createdAt: string;
  database: 'pglite' | 'postgres';
}

const notABackup = (file: string) =>
  new BackupError({
    en: `${file} is not a Lindung backup (expected a gzip file written by \`lindung backup\`). Nothing was restored.`,
    id: `${file} bukan berkas cadangan Lindung (seharusnya berkas gzip hasil \`lindung backup\`). Tidak ada data yang dipulihkan.`,
  });

const truncated = (file: string, why: string) =>
  new BackupError({
    en: `The backup ${file} is incomplete or damaged (${why}); nothing was restored. Use a complete copy of the file.`,
    id: `Berkas cadangan ${file} tidak lengkap atau rusak (${why}); tidak ada data yang dipulihkan. Gunakan salinan berkas yang lengkap.`,
  });

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function parseHeader(line: string | undefined, file: string): ArchiveHeader {
  let h: unknown;
  try {
    h = JSON.parse(line ?? '');
  } catch {
    throw notABackup(file);
  }
  if (!isObject(h) || h.format !== ARCHIVE_FORMAT) throw notABackup(file);
  if (typeof h.formatVersion !== 'number' || h.formatVersion > ARCHIVE_FORMAT_VERSION) {
    throw new BackupError({
      en: `The backup ${file} uses archive format ${String(h.formatVersion)}, which this version of Lindung cannot read (it reads format ${ARCHIVE_FORMAT_VERSION}). Upgrade Lindung, then restore.`,
      id: `Berkas cadangan ${file} memakai format arsip ${String(h.formatVersion)} yang tidak dapat dibaca versi Lindung ini (hanya format ${ARCHIVE_FORMAT_VERSION}). Perbarui Lindung, lalu pulihkan.`,
    });
  }
  if (!Number.isInteger(h.schemaVersion) || !Array.isArray(h.tables) || !h.tables.every((t) => typeof t === 'string')) {
    throw notABackup(file);
  }
  return h as unknown as ArchiveHeader;
}

/** Refuses unless every table that a backup fills is empty: restore never merges. */
async function assertEmpty(tx: Queryable, tables: TableInfo[]): Promise<void> {
  if (tables.length === 0) return;
  const sql = tables
    .map((t) => `SELECT ${`'${t.name.replace(/'/g, "''")}'`}::text AS name WHERE EXISTS (SELECT 1 FROM public.${quoteIdent(t.name)})`)
    .join(' UNION ALL ');
  const used = (await tx.query<{ name: string }>(sql)).map((r) => r.name);
  if (used.length === 0) return;
  throw new BackupError({
    en:
      `Refusing to restore: this database already holds data (tables: ${used.join(', ')}). A backup is restored only ` +
      'into a fresh, empty database, never merged. Get one by pointing LINDUNG_DATA_DIR at a new, empty folder, or ' +
      'DATABASE_URL at a new, empty PostgreSQL database (e.g. `createdb lindung_restored`), then run the restore again.',
    id:
      `Pemulihan ditolak: basis data ini sudah berisi data (tabel: ${used.join(', ')}). Cadangan hanya dipulihkan ` +
      'ke basis data baru yang kosong, tidak pernah digabung. Siapkan dengan mengarahkan LINDUNG_DATA_DIR ke folder ' +
      'baru yang kosong, atau DATABASE_URL ke basis data PostgreSQL baru yang kosong (mis. `createdb lindung_restored`), ' +
      'lalu jalankan pemulihan lagi.',
  });
}

function checkTableLine(v: unknown, target: Map<string, TableInfo>, file: string): { line: ArchiveTableLine; info: TableInfo } {
  if (
    !isObject(v) ||
    typeof v.table !== 'string' ||
    !Array.isArray(v.columns) ||
    !v.columns.every((c) => typeof c === 'string') ||
    !Number.isInteger(v.rows) ||
    (v.rows as number) < 0
  ) {
    throw truncated(file, 'unexpected line where a table starts');
  }
  const line = { ...(v as unknown as ArchiveTableLine), sequences: isObject(v.sequences) ? (v.sequences as ArchiveTableLine['sequences']) : {} };
  const info = target.get(line.table);
  const known = new Set(info?.columns ?? []);
  const missing = info ? line.columns.filter((c) => !known.has(c)) : [];
  if (!info || missing.length > 0) {
    const what = info ? `columns ${line.table}.${missing.join(', ')}` : `table ${line.table}`;
    throw new BackupError({
      en: `The backup ${file} holds ${what}, which this database does not have (or computes itself). Nothing was restored.`,
      id: `Berkas cadangan ${file} memuat ${what} yang tidak ada di basis data ini (atau dihitung otomatis). Tidak ada data yang dipulihkan.`,
    });
  }
  return { line, info };
}

async function insertChunk(tx: Queryable, info: TableInfo, columns: string[], rows: string[]): Promise<void> {
  const cols = columns.map(quoteIdent).join(', ');
  const table = `public.${quoteIdent(info.name)}`;
  await tx.query(
    `INSERT INTO ${table} (${cols}) ${info.identityAlways ? 'OVERRIDING SYSTEM VALUE ' : ''}` +
      `SELECT ${cols} FROM jsonb_populate_recordset(NULL::${table}, $1::jsonb)`,
    [`[${rows.join(',')}]`],
  );
}

/** Serial/identity sequences continue after the highest id, or after where the original stood. */
async function resetSequences(tx: Queryable, info: TableInfo, archived: ArchiveTableLine['sequences']): Promise<void> {
  for (const s of info.sequences) {
    const [m] = await tx.query<{ m: number | null }>(
      `SELECT max(${quoteIdent(s.column)})::bigint AS m FROM public.${quoteIdent(info.name)}`,
    );
    const max = m?.m ?? null;
    const old = archived[s.column];
    const oldLast = old && Number.isSafeInteger(old.last) ? old : null;
    const called = [max, oldLast?.called ? oldLast.last : null].filter((x): x is number => x !== null);
    if (called.length > 0) {
      await tx.query('SELECT setval($1::regclass, $2::bigint, true)', [s.sequence, Math.max(...called)]);
    } else if (oldLast) {
      await tx.query('SELECT setval($1::regclass, $2::bigint, false)', [s.sequence, oldLast.last]);
    }
  }
}

export async function restoreBackup(db: Db, file: string, opts: RestoreOptions = {}): Promise<RestoreResult> {
  const name = path.basename(file);
  try {
    const st = await fsp.stat(file);
    if (!st.isFile()) throw new Error('not a file');
  } catch {
    throw new BackupError({
      en: `Backup file ${file} not found (or not a file).`,
      id: `Berkas cadangan ${file} tidak ditemukan (atau bukan berkas).`,
    });
  }

  const lines = gzipLines(file)[Symbol.asyncIterator]();
  /** The next line; undefined at the end. A gzip error after the header means a cut-off file. */
  const next = async (): Promise<string | undefined> => {
    try {
      const r = await lines.next();
      return r.done ? undefined : r.value;
    } catch {
      throw truncated(name, 'the compressed data is cut off or corrupt');
    }
  };

  try {
    let first: string | undefined;
    try {
      const r = await lines.next();
      first = r.done ? undefined : r.value;
    } catch {
      throw notABackup(name);
    }
    const header = parseHeader(first, name);

    const current = await schemaVersionOf(db);
    if (header.schemaVersion > current) {
      throw new BackupError({
        en: `The backup ${name} comes from a newer Lindung (schema version ${header.schemaVersion}; this database is at ${current}). Upgrade Lindung first, then restore.`,
        id: `Berkas cadangan ${name} berasal dari Lindung yang lebih baru (versi skema ${header.schemaVersion}; basis data ini versi ${current}). Perbarui Lindung terlebih dahulu, lalu pulihkan.`,
      });
    }

    return await db.transaction(async (tx) => {
      // Local to this transaction: history triggers stand aside, the archive brings its own history.
      await tx.query(`SELECT set_config('lindung.restoring', 'on', true)`);
      await tx.query('SELECT pg_advisory_xact_lock(7346002)'); // two restores at once: one waits, then is refused
      const targetTables = await describeTables(tx);
      await assertEmpty(tx, targetTables);
      const target = new Map(targetTables.map((t) => [t.name, t]));
      for (const t of header.tables) {
        if (!target.has(t)) checkTableLine({ table: t, columns: [], rows: 0 }, target, name); // throws
      }

      const restored: { name: string; rows: number }[] = [];
      for (;;) {
        const raw = await next();
        if (raw === undefined) throw truncated(name, 'the end marker is missing');
        let v: unknown;
        try {
          v = JSON.parse(raw);
        } catch {
          throw truncated(name, 'a line is not valid JSON');
        }
        if (isObject(v) && v.end === true) {
          const footer = v as unknown as ArchiveFooter;
          const seen = new Map(restored.map((t) => [t.name, t.rows]));
          const rows = isObject(footer.rows) ? footer.rows : {};
          const ok =
            header.tables.every((t) => seen.has(t)) &&
            Object.keys(rows).length === seen.size &&
            [...seen].every(([t, n]) => rows[t] === n);
          if (!ok) throw truncated(name, 'the end marker does not match the tables read');
          if ((await next()) !== undefined) throw truncated(name, 'there is data after the end marker');
          return { tables: restored, schemaVersion: header.schemaVersion, createdAt: header.createdAt, database: header.database };
        }

        const { line, info } = checkTableLine(v, target, name);
        if (restored.some((t) => t.name === line.table)) throw truncated(name, `table ${line.table} appears twice`);
        let done = 0;
        let chunk: string[] = [];
        opts.onProgress?.(line.table, 0);
        const flush = async () => {
          if (chunk.length === 0) return;
          try {
            await insertChunk(tx, info, line.columns, chunk);
          } catch (e) {
            throw new BackupError({
              en: `Restore failed in table ${line.table} (nothing was restored): ${(e as Error).message}`,
              id: `Pemulihan gagal pada tabel ${line.table} (tidak ada data yang dipulihkan): ${(e as Error).message}`,
            });
          }
          done += chunk.length;
          chunk = [];
          opts.onProgress?.(line.table, done);
        };
        for (let i = 0; i < line.rows; i++) {
          const row = await next();
          if (row === undefined) throw truncated(name, `table ${line.table} stops after ${done + chunk.length} of ${line.rows} rows`);
          if (!row.startsWith('{') || !row.endsWith('}')) throw truncated(name, `a row of table ${line.table} is not a JSON object`);
          chunk.push(row);
          if (chunk.length >= RESTORE_CHUNK_ROWS) await flush();
        }
        await flush();
        await resetSequences(tx, info, line.sequences);
        restored.push({ name: line.table, rows: done });
      }
    });
  } finally {
    await lines.return?.(undefined).catch(() => undefined);
  }
}
