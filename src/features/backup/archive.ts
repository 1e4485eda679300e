/**
 * The portable archive shared by `lindung backup` and `lindung restore`: one gzip-compressed
 * NDJSON file that PGlite and PostgreSQL both write and both read.
 *
 *   line 1           header  {"format":"lindung-backup","formatVersion":1,"schemaVersion":1,…}
 *   per table        {"table":"person","columns":[…],"rows":N,"sequences":{…}}
 *                    then exactly N lines, one per row: to_jsonb(row) minus generated columns
 *   last line        footer  {"end":true,"rows":{"person":N,…}}
 *
 * Row lines are PostgreSQL's own jsonb text and go back in through jsonb_populate_recordset, so
 * values never pass through JavaScript numbers or dates: bigints, timestamps to the microsecond,
 * bytea and jsonb come back exactly as they were (the history's hash chain depends on it).
 * Control lines are told apart from row lines by position (the table line says how many rows
 * follow), never by content, so no column name can be mistaken for one.
 */
import fs from 'node:fs';
import zlib from 'node:zlib';
import type { Message } from '../../domain/messages.js';
import type { Queryable } from '../../db/types.js';

export const ARCHIVE_FORMAT = 'lindung-backup';
export const ARCHIVE_FORMAT_VERSION = 1;

/** Never archived: the migration log (its version goes in the header) and login sessions. */
export const SKIPPED_TABLES: readonly string[] = ['schema_migration', 'user_session'];

/**
 * Row order for tables that reference themselves, so that a parent row is always restored before
 * its children: an area's parent is one level up. Must be unique (it includes the key).
 */
export const ROW_ORDER: Readonly<Record<string, readonly string[]>> = { area: ['level', 'code'] };

/**
 * References checked by statement triggers instead of foreign keys (migrations 009 and 011: bill and
 * invoice lines, staging rows; for speed), which the catalog's foreign keys do not show: the restore order needs them too.
 */
export const TRIGGER_REFERENCES: Readonly<Record<string, readonly string[]>> = {
  bill_line: ['bill', 'membership'],
  invoice_line: ['invoice', 'membership'],
  intake_row: ['intake_batch'],
};

export interface ArchiveHeader {
  format: typeof ARCHIVE_FORMAT;
  formatVersion: number;
  /** max(version) of schema_migration in the database that was backed up. */
  schemaVersion: number;
  createdAt: string;
  database: 'pglite' | 'postgres';
  /** Table names in restore order (foreign keys satisfied). */
  tables: string[];
}

export interface SequenceState {
  last: number;
  called: boolean;
}

export interface ArchiveTableLine {
  table: string;
  columns: string[];
  /** Exactly this many row lines follow. */
  rows: number;
  /** Serial/identity sequences by column: restored so ids are never handed out twice. */
  sequences: Record<string, SequenceState>;
}

export interface ArchiveFooter {
  end: true;
  rows: Record<string, number>;
}

/** A refusal with its text in both languages; `message` carries both, for the command line. */
export class BackupError extends Error {
  constructor(readonly msg: Message) {
    super(`${msg.en}\n${msg.id}`);
    this.name = 'BackupError';
  }
}

export interface KeyColumn {
  name: string;
  /** format_type() of the column, for casting keyset parameters. */
  type: string;
}

export interface TableInfo {
  name: string;
  /** Every column except generated ones, in table order: what an archive row holds. */
  columns: string[];
  /** GENERATED ALWAYS AS (…) STORED: recomputed on insert, never archived. */
  generated: string[];
  /** Row order for paging; null: no primary key, page by ctid. */
  order: KeyColumn[] | null;
  /** Has a GENERATED ALWAYS AS IDENTITY column: inserts need OVERRIDING SYSTEM VALUE. */
  identityAlways: boolean;
  /** Columns owning a sequence (serial or identity), with the sequence's qualified name. */
  sequences: { column: string; sequence: string }[];
}

export const quoteIdent = (name: string): string => `"${name.replace(/"/g, '""')}"`;
export const quoteLiteral = (s: string): string => `'${s.replace(/'/g, "''")}'`;

/** Schema version of a migrated database: the newest applied migration. */
export async function schemaVersionOf(q: Queryable): Promise<number> {
  const [r] = await q.query<{ v: number | null }>('SELECT max(version)::int AS v FROM schema_migration');
  return r?.v ?? 0;
}

/**
 * All ordinary tables of schema public (except SKIPPED_TABLES), described from the catalog and
 * ordered so that every table comes after the tables its foreign keys point to.
 */
export async function describeTables(q: Queryable): Promise<TableInfo[]> {
  const tables = await q.query<{ name: string }>(
    `SELECT c.relname AS name
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition
        AND c.relname <> ALL ($1::text[])
      ORDER BY c.relname`,
    [SKIPPED_TABLES],
  );
  const names = new Set(tables.map((t) => t.name));

  const cols = await q.query<{ table_name: string; column_name: string; is_generated: string; identity_always: boolean }>(
    `SELECT table_name::text, column_name::text, is_generated::text,
            (is_identity = 'YES' AND identity_generation = 'ALWAYS') AS identity_always
       FROM information_schema.columns
      WHERE table_schema = 'public'
      ORDER BY table_name, ordinal_position`,
  );
  const keys = await q.query<{ table_name: string; column_name: string; type: string }>(
    `SELECT c.relname AS table_name, a.attname AS column_name, format_type(a.atttypid, a.atttypmod) AS type
       FROM pg_constraint con
       JOIN pg_class c ON c.oid = con.conrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
       CROSS JOIN LATERAL unnest(con.conkey) WITH ORDINALITY AS k(attnum, ord)
       JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum
      WHERE con.contype = 'p' AND n.nspname = 'public'
      ORDER BY c.relname, k.ord`,
  );
  const colTypes = await q.query<{ table_name: string; column_name: string; type: string }>(
    `SELECT c.relname AS table_name, a.attname AS column_name, format_type(a.atttypid, a.atttypmod) AS type
       FROM pg_attribute a
       JOIN pg_class c ON c.oid = a.attrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relname = ANY ($1::text[]) AND a.attnum > 0 AND NOT a.attisdropped`,
    [Object.keys(ROW_ORDER)],
  );
  const seqs = await q.query<{ table_name: string; column_name: string; seq: string | null }>(
    `SELECT table_name::text, column_name::text,
            pg_get_serial_sequence(format('%I.%I', table_schema, table_name), column_name) AS seq
       FROM information_schema.columns
      WHERE table_schema = 'public' AND (column_default LIKE 'nextval(%' OR is_identity = 'YES')
      ORDER BY table_name, ordinal_position`,
  );
  const fks = await q.query<{ child: string; parent: string }>(
    `SELECT DISTINCT c.relname AS child, p.relname AS parent
       FROM pg_constraint con
       JOIN pg_class c ON c.oid = con.conrelid
       JOIN pg_namespace cn ON cn.oid = c.relnamespace
       JOIN pg_class p ON p.oid = con.confrelid
       JOIN pg_namespace pn ON pn.oid = p.relnamespace
      WHERE con.contype = 'f' AND cn.nspname = 'public' AND pn.nspname = 'public'`,
  );

  const info = new Map<string, TableInfo>();
  for (const name of names) {
    info.set(name, { name, columns: [], generated: [], order: null, identityAlways: false, sequences: [] });
  }
  for (const c of cols) {
    const t = info.get(c.table_name);
    if (!t) continue;
    if (c.is_generated === 'ALWAYS') t.generated.push(c.column_name);
    else t.columns.push(c.column_name);
    if (c.identity_always) t.identityAlways = true;
  }
  for (const k of keys) {
    const t = info.get(k.table_name);
    if (t) (t.order ??= []).push({ name: k.column_name, type: k.type });
  }
  for (const [table, order] of Object.entries(ROW_ORDER)) {
    const t = info.get(table);
    if (!t) continue;
    const types = new Map(colTypes.filter((c) => c.table_name === table).map((c) => [c.column_name, c.type]));
    if (order.every((c) => types.has(c))) t.order = order.map((c) => ({ name: c, type: types.get(c)! }));
  }
  for (const s of seqs) {
    const t = info.get(s.table_name);
    if (t && s.seq) t.sequences.push({ column: s.column_name, sequence: s.seq });
  }

  // Topological order (Kahn), ties by name so the order is stable. Self-references are left to
  // ROW_ORDER; a cycle between tables (none in this schema) falls back to name order.
  const parents = new Map<string, Set<string>>([...names].map((n) => [n, new Set<string>()]));
  const references = [...fks, ...Object.entries(TRIGGER_REFERENCES).flatMap(([child, ps]) => ps.map((parent) => ({ child, parent })))];
  for (const fk of references) {
    if (fk.child !== fk.parent && names.has(fk.child) && names.has(fk.parent)) parents.get(fk.child)!.add(fk.parent);
  }
  const ordered: TableInfo[] = [];
  const done = new Set<string>();
  const sorted = [...names].sort();
  while (done.size < names.size) {
    const next = sorted.find((n) => !done.has(n) && [...parents.get(n)!].every((p) => done.has(p))) ?? sorted.find((n) => !done.has(n))!;
    done.add(next);
    ordered.push(info.get(next)!);
  }
  return ordered;
}

/**
 * The lines of a gzip-compressed text file, streamed: memory holds one chunk and one line, never
 * the file. A damaged or truncated gzip stream rejects the iteration (the gzip trailer carries a
 * CRC of the whole content). `maxFirstLine` stops early on a file that is no archive at all.
 */
export async function* gzipLines(file: string, maxFirstLine = 1 << 20): AsyncGenerator<string> {
  const input = fs.createReadStream(file);
  const gunzip = zlib.createGunzip();
  input.on('error', (e) => gunzip.destroy(e));
  input.pipe(gunzip);
  gunzip.setEncoding('utf8');
  let rest = '';
  let first = true;
  try {
    for await (const chunk of gunzip as AsyncIterable<string>) {
      let start = 0;
      let nl = chunk.indexOf('\n');
      while (nl !== -1) {
        const line = rest + chunk.slice(start, nl);
        rest = '';
        first = false;
        yield line;
        start = nl + 1;
        nl = chunk.indexOf('\n', start);
      }
      rest += chunk.slice(start);
      if (first && rest.length > maxFirstLine) throw new Error('first line too long');
    }
    if (rest.length > 0) yield rest;
  } finally {
    input.destroy();
    gunzip.destroy();
  }
}
