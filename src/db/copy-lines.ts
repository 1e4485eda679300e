/**
 * One field of a `COPY … (FORMAT csv)` line: NULL as nothing, numbers and booleans as written, text
 * always quoted (an unquoted empty field would read as NULL) with its quotes doubled.
 */
export function copyField(v: string | number | boolean | null): string {
  if (v === null) return '';
  if (typeof v !== 'string') return String(v);
  return v.includes('"') ? `"${v.replaceAll('"', '""')}"` : `"${v}"`;
}

/**
 * CSV lines for COPY, encoded to UTF-8 as they are added. A 10,000-row staging chunk is then one
 * byte buffer outside the JavaScript heap instead of 10,000 strings and their join: those strings
 * lived long enough to reach the old generation, and the garbage they left made the PGlite
 * process's peak vary by hundreds of MiB from run to run (issue 3, docs/performance.md).
 */
export class CopyLines {
  private static readonly encoder = new TextEncoder();
  private buf: Uint8Array;
  private used = 0;
  private lines = 0;

  constructor(initialBytes = 1 << 20) {
    this.buf = new Uint8Array(initialBytes);
  }

  add(line: string): void {
    // UTF-8 needs at most 3 bytes per UTF-16 code unit; one more for the newline.
    const need = this.used + line.length * 3 + 1;
    if (need > this.buf.length) {
      const grown = new Uint8Array(Math.max(need, this.buf.length * 2));
      grown.set(this.buf.subarray(0, this.used));
      this.buf = grown;
    }
    this.used += CopyLines.encoder.encodeInto(line, this.buf.subarray(this.used)).written;
    this.buf[this.used++] = 0x0a;
    this.lines++;
  }

  /** Lines added since the last take(). */
  get count(): number {
    return this.lines;
  }

  /** The lines so far as one buffer of their own; the writer starts empty again (keeping its space). */
  take(): Uint8Array {
    const out = this.buf.slice(0, this.used);
    this.used = 0;
    this.lines = 0;
    return out;
  }
}
