/**
 * `lindung backup FILE`: the whole database, history included, as one portable archive (see
 * archive.ts for the format). Everything is read in one REPEATABLE READ transaction, so the file
 * is one consistent moment even while the server keeps working; tables are read in keyset pages
 * and streamed through gzip to disk, so memory stays flat however many rows there are.
 */
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import zlib from 'node:zlib';
import { pipeline } from 'node:stream/promises';
import type { Db, Param, Queryable } from '../../db/types.js';
import {
  ARCHIVE_FORMAT,
  ARCHIVE_FORMAT_VERSION,
  describeTables,
  quoteIdent,
  quoteLiteral,
  schemaVersionOf,
  type ArchiveFooter,
  type ArchiveHeader,
  type ArchiveTableLine,
  type SequenceState,
  type TableInfo,
} from './archive.js';

export const BACKUP_PAGE_ROWS = 20_000;

export interface BackupOptions {
  /** Called after every page: the table and how many of its rows are written so far. */
  onProgress?(table: string, rows: number): void;
}

export interface BackupResult {
  file: string;
  tables: { name: string; rows: number }[];
  bytes: number;
  schemaVersion: number;
}

/** One page of a table: SELECT … WHERE key > last ORDER BY key LIMIT n, with the key as text. */
function pageQuery(t: TableInfo, after: boolean, limit: number): string {
  const row = '_lindung_backup_row';
  const json = t.generated.length
    ? `(to_jsonb(${row}) - ARRAY[${t.generated.map(quoteLiteral).join(', ')}]::text[])::text`
    : `to_jsonb(${row})::text`;
  const from = `FROM public.${quoteIdent(t.name)} ${row}`;
  if (!t.order) {
    // No primary key: physical order, paged by ctid (a consistent snapshot keeps it stable).
    return `SELECT ${json} AS j, ${row}.ctid::text AS k0 ${from}
      ${after ? `WHERE ${row}.ctid > $1::tid` : ''} ORDER BY ${row}.ctid LIMIT ${limit}`;
  }
  const keyCols = t.order.map((k) => `${row}.${quoteIdent(k.name)}`);
  const keyText = keyCols.map((c, i) => `${c}::text AS k${i}`).join(', ');
  const where = after ? `WHERE (${keyCols.join(', ')}) > (${t.order.map((k, i) => `$${i + 1}::${k.type}`).join(', ')})` : '';
  return `SELECT ${json} AS j, ${keyText} ${from} ${where} ORDER BY ${keyCols.join(', ')} LIMIT ${limit}`;
}

async function sequenceStates(tx: Queryable, t: TableInfo): Promise<Record<string, SequenceState>> {
  const out: Record<string, SequenceState> = {};
  for (const s of t.sequences) {
    // pg_get_serial_sequence returns the name already quoted where needed.
    const [r] = await tx.query<{ last: number; called: boolean }>(`SELECT last_value AS last, is_called AS called FROM ${s.sequence}`);
    if (r) out[s.column] = { last: Number(r.last), called: Boolean(r.called) };
  }
  return out;
}

/** Writes the archive to `file` (atomically: a `.partial` file renamed once complete and synced). */
export async function createBackup(db: Db, file: string, opts: BackupOptions = {}): Promise<BackupResult> {
  const target = path.resolve(file);
  const partial = `${target}.partial`;
  await fsp.mkdir(path.dirname(target), { recursive: true });
  const counts: { name: string; rows: number }[] = [];
  let schemaVersion = 0;

  try {
    await db.transaction(async (tx) => {
      await tx.exec(`SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY`);
      // to_jsonb(bytea) follows bytea_output; hex is what jsonb_populate_recordset reads back.
      await tx.exec(`SET LOCAL bytea_output = 'hex'`);
      schemaVersion = await schemaVersionOf(tx);
      const tables = await describeTables(tx);

      async function* lines(): AsyncGenerator<string> {
        const header: ArchiveHeader = {
          format: ARCHIVE_FORMAT,
          formatVersion: ARCHIVE_FORMAT_VERSION,
          schemaVersion,
          createdAt: new Date().toISOString(),
          database: db.kind,
          tables: tables.map((t) => t.name),
        };
        yield `${JSON.stringify(header)}\n`;
        const footer: ArchiveFooter = { end: true, rows: {} };
        for (const t of tables) {
          const [c] = await tx.query<{ n: number }>(`SELECT count(*)::bigint AS n FROM public.${quoteIdent(t.name)}`);
          const total = Number(c?.n ?? 0);
          const tableLine: ArchiveTableLine = {
            table: t.name,
            columns: t.columns,
            rows: total,
            sequences: await sequenceStates(tx, t),
          };
          yield `${JSON.stringify(tableLine)}\n`;
          let written = 0;
          let last: Param[] | null = null;
          opts.onProgress?.(t.name, 0);
          for (;;) {
            const page: Record<string, string>[] = await tx.query<Record<string, string>>(
              pageQuery(t, last !== null, BACKUP_PAGE_ROWS),
              last ?? [],
            );
            if (page.length === 0) break;
            written += page.length;
            yield page.map((r) => `${r.j}\n`).join('');
            const end = page[page.length - 1]!;
            last = Array.from({ length: t.order?.length ?? 1 }, (_, i) => end[`k${i}`] ?? null);
            opts.onProgress?.(t.name, written);
            if (page.length < BACKUP_PAGE_ROWS) break;
          }
          // The snapshot cannot change under us; a mismatch means the key order is not unique.
          if (written !== total) throw new Error(`Backup of table ${t.name} read ${written} rows but the table has ${total}`);
          counts.push({ name: t.name, rows: written });
          footer.rows[t.name] = written;
        }
        yield `${JSON.stringify(footer)}\n`;
      }

      await pipeline(lines, zlib.createGzip({ level: 6 }), fs.createWriteStream(partial));
    });

    // On disk before it gets its final name: a crash never leaves a complete-looking file.
    const fh = await fsp.open(partial, 'r+');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
    await fsp.rename(partial, target);
  } catch (e) {
    await fsp.rm(partial, { force: true }).catch(() => undefined);
    throw e;
  }
  const { size } = await fsp.stat(target);
  return { file: target, tables: counts, bytes: size, schemaVersion };
}
