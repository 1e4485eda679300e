/**
 * One set of type parsers for both drivers, so a row looks the same on PGlite and PostgreSQL:
 * bigint (rupiah, counts) as a JS number — safe up to 9·10^15, far above any budget here;
 * `date` as 'YYYY-MM-DD' text, never a Date, so no time-zone shift can move a birthday.
 */
export const OID = { int8: 20, date: 1082, timestamptz: 1184, timestamp: 1114, numeric: 1700 } as const;

export const PARSERS: Record<number, (value: string) => unknown> = {
  [OID.int8]: (v) => Number(v),
  [OID.date]: (v) => v,
};
