import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Problem } from '../http/problem.js';
import { html } from './html.js';
import { page } from './layout.js';
import { t } from './i18n.js';

/** Web pages answer errors as pages; a missing session sends the user to the sign-in form. */
export async function renderErrorPage(req: FastifyRequest, reply: FastifyReply, problem: Problem): Promise<FastifyReply> {
  if (problem.status === 401 && req.method === 'GET') {
    return reply.redirect(`/login?next=${encodeURIComponent(req.url)}`, 303);
  }
  return page(req, reply, {
    title: problem.title[req.lang],
    status: problem.status,
    body: html`<div class="alert" role="alert"><p>${problem.detail[req.lang]}</p><p class="muted">${req.lang === 'id' ? 'Nomor permintaan' : 'Request id'}: <code>${req.id}</code></p></div>
      <p><a href="/">${t(req.lang, 'go_home')}</a></p>`,
  });
}
