import type { FastifyReply, FastifyRequest } from 'fastify';
import { html, type SafeHtml } from './html.js';
import { t } from './i18n.js';
import { can } from '../domain/roles.js';
import { ROLE_LABEL } from '../domain/roles.js';

/** Whether the registry holds synthetic demo people: then every page says so. Cached briefly. */
let syntheticCache: { at: number; value: boolean } | null = null;
export function resetSyntheticCache(): void {
  syntheticCache = null;
}
async function hasSynthetic(req: FastifyRequest): Promise<boolean> {
  if (syntheticCache && Date.now() - syntheticCache.at < 30_000) return syntheticCache.value;
  const [row] = await req.server.db.query<{ s: boolean }>('SELECT EXISTS (SELECT 1 FROM person WHERE synthetic) AS s');
  syntheticCache = { at: Date.now(), value: row?.s ?? false };
  return syntheticCache.value;
}

export interface PageOptions {
  title: string;
  body: SafeHtml;
  status?: number;
}

export async function page(req: FastifyRequest, reply: FastifyReply, opts: PageOptions): Promise<FastifyReply> {
  const lang = req.lang;
  const user = req.session?.user;
  const synthetic = await hasSynthetic(req).catch(() => false);
  const here = req.url.split('?')[0] ?? '/';
  const nav = (href: string, label: string) =>
    html`<li><a href="${href}"${here === href || (href !== '/' && here.startsWith(href)) ? html` aria-current="page"` : ''}>${label}</a></li>`;
  const body = html`<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${opts.title} · Lindung</title>
<link rel="stylesheet" href="/assets/app.css">
<script src="/assets/app.js" defer></script>
</head>
<body>
<a class="skip" href="#main">${t(lang, 'nav_skip')}</a>
${synthetic ? html`<div class="synthetic" role="note">${t(lang, 'synthetic_banner')}</div>` : ''}
<header class="top">
  <a class="brand" href="/"><strong>Lindung</strong> <span>${t(lang, 'app_tagline')}</span></a>
  <nav aria-label="${lang === 'id' ? 'Menu utama' : 'Main menu'}">
    <ul>
      ${user ? nav('/', t(lang, 'nav_home')) : ''}
      ${user && can(user.role, 'registry.read') ? nav('/registry', t(lang, 'nav_registry')) : ''}
      ${user ? nav('/programmes', t(lang, 'nav_programmes')) : ''}
      ${user && can(user.role, 'pledges.manage') ? nav('/pledges', lang === 'id' ? 'Pakta' : 'Pledges') : ''}
      ${user && can(user.role, 'intake.read') ? nav('/intake', t(lang, 'nav_intake')) : ''}
      ${user && can(user.role, 'claims.read') ? nav('/claims', lang === 'id' ? 'Klaim' : 'Claims') : ''}
      ${user && !can(user.role, 'claims.read') && can(user.role, 'claims.confirm') ? nav('/claims/payouts', lang === 'id' ? 'Pembayaran klaim' : 'Claim payouts') : ''}
      ${nav('/publik', t(lang, 'nav_public'))}
      ${user ? nav('/account/password', t(lang, 'nav_account')) : ''}
    </ul>
  </nav>
  <div class="tools">
    <span class="lang">${t(lang, 'language')}:
      <a href="/lang/id?next=${encodeURIComponent(here)}" lang="id"${lang === 'id' ? html` aria-current="true"` : ''}>ID</a> ·
      <a href="/lang/en?next=${encodeURIComponent(here)}" lang="en"${lang === 'en' ? html` aria-current="true"` : ''}>EN</a></span>
    ${user
      ? html`<span class="who">${t(lang, 'signed_in_as')} <strong>${user.username}</strong> (${ROLE_LABEL[user.role][lang]})</span>
        <form method="post" action="/logout" class="inline"><input type="hidden" name="_csrf" value="${req.session!.csrfToken}"><button type="submit">${t(lang, 'sign_out')}</button></form>`
      : html`<a href="/login">${t(lang, 'sign_in')}</a>`}
  </div>
</header>
<main id="main" tabindex="-1">
<h1>${opts.title}</h1>
${opts.body}
</main>
<footer><small>Lindung · ${lang === 'id' ? 'Data pribadi dilindungi UU 27/2022; setiap akses dicatat.' : 'Personal data protected under UU 27/2022; every access is logged.'}</small></footer>
</body>
</html>`;
  return reply.status(opts.status ?? 200).type('text/html; charset=utf-8').send(body.value);
}
