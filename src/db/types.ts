/** What every feature sees of the database, whichever engine is behind it. */
export type Row = Record<string, unknown>;
export type Param = string | number | boolean | null | Date | readonly (string | null)[] | readonly (number | null)[] | Uint8Array;

export interface Queryable {
  /** One parameterised statement; rows come back with normalised types (see README "types"). */
  query<R = Row>(sql: string, params?: readonly Param[]): Promise<R[]>;
  /** Several statements without parameters (migrations, SET …). */
  exec(sql: string): Promise<void>;
  /** `COPY table (cols) FROM STDIN (FORMAT csv …)`; `data` is the CSV text, or its UTF-8 bytes. Returns rows copied. */
  copyFrom(copySql: string, data: string | Uint8Array): Promise<number>;
}

export interface Db extends Queryable {
  readonly kind: 'pglite' | 'postgres';
  /** Runs `fn` in one transaction; commits when it resolves, rolls back when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** A database error reduced to what callers need: SQLSTATE, message, constraint. */
export class DbError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
    readonly detail?: string,
    readonly constraint?: string,
  ) {
    super(message);
    this.name = 'DbError';
  }
}
