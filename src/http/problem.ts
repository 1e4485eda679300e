/**
 * Errors as RFC 9457 problem details, in the user's language. A Problem carries both languages;
 * the error handler picks one when it answers.
 */
import type { Lang, Message } from '../domain/messages.js';

export class Problem extends Error {
  constructor(
    readonly status: number,
    readonly slug: string,
    readonly title: Message,
    readonly detail: Message,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(detail.en);
    this.name = 'Problem';
  }

  body(lang: Lang, instance?: string): Record<string, unknown> {
    return {
      type: `/problems/${this.slug}`,
      title: this.title[lang],
      status: this.status,
      detail: this.detail[lang],
      ...(instance ? { instance } : {}),
      ...this.extra,
    };
  }
}

export const problems = {
  unauthenticated: () =>
    new Problem(
      401,
      'unauthenticated',
      { id: 'Belum masuk', en: 'Not signed in' },
      { id: 'Sesi Anda tidak ada atau sudah berakhir. Silakan masuk kembali.', en: 'Your session is missing or has expired. Please sign in again.' },
    ),
  forbidden: (what: Message) =>
    new Problem(403, 'forbidden', { id: 'Tidak diizinkan', en: 'Not allowed' }, what),
  outOfArea: () =>
    new Problem(
      403,
      'out-of-area',
      { id: 'Di luar wilayah Anda', en: 'Outside your area' },
      {
        id: 'Wilayah yang diminta berada di luar wilayah kerja akun Anda. Pilih wilayah di dalam wilayah kerja Anda.',
        en: 'The requested area is outside the area your account works in. Choose an area within it.',
      },
    ),
  notFound: (what: Message) => new Problem(404, 'not-found', { id: 'Tidak ditemukan', en: 'Not found' }, what),
  badRequest: (detail: Message, extra: Record<string, unknown> = {}) =>
    new Problem(400, 'bad-request', { id: 'Permintaan tidak valid', en: 'Invalid request' }, detail, extra),
  csrf: () =>
    new Problem(
      403,
      'csrf',
      { id: 'Token keamanan tidak cocok', en: 'Security token mismatch' },
      {
        id: 'Permintaan ini tidak membawa token keamanan (CSRF) yang benar. Muat ulang halaman lalu coba lagi.',
        en: 'This request did not carry the right security (CSRF) token. Reload the page and try again.',
      },
    ),
  conflict: (detail: Message) => new Problem(409, 'conflict', { id: 'Bentrok dengan data yang ada', en: 'Conflicts with existing data' }, detail),
};
