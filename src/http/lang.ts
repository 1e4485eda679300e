import type { FastifyRequest } from 'fastify';
import type { Lang } from '../domain/messages.js';

export const LANG_COOKIE = 'lindung_lang';

/**
 * Indonesian unless the user chose English (the switch sets a cookie). Screens ignore the
 * browser's language: office PCs often run English browsers for Indonesian staff. API clients
 * may ask for English with Accept-Language.
 */
export function requestLang(req: FastifyRequest): Lang {
  const chosen = req.cookies?.[LANG_COOKIE];
  if (chosen === 'id' || chosen === 'en') return chosen;
  if (!req.url.startsWith('/api/')) return 'id';
  const accept = String(req.headers['accept-language'] ?? '').toLowerCase();
  const first = accept.split(',')[0]?.trim() ?? '';
  return first.startsWith('en') ? 'en' : 'id';
}
