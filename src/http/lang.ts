import type { FastifyRequest } from 'fastify';
import type { Lang } from '../domain/messages.js';

export const LANG_COOKIE = 'lindung_lang';

/** Indonesian unless the user chose English (cookie) or their browser asks for English first. */
export function requestLang(req: FastifyRequest): Lang {
  const chosen = req.cookies?.[LANG_COOKIE];
  if (chosen === 'id' || chosen === 'en') return chosen;
  const accept = String(req.headers['accept-language'] ?? '').toLowerCase();
  const first = accept.split(',')[0]?.trim() ?? '';
  return first.startsWith('en') ? 'en' : 'id';
}
