import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { route } from '../../http/route.js';
import { scoped } from '../../http/context.js';
import { html } from '../html.js';
import { page } from '../layout.js';
import { formatNumber, t } from '../i18n.js';
import { barChart } from '../chart.js';
import { can } from '../../domain/roles.js';
import { cachedRegencySummary, type RegencyCount } from '../../features/registry/summary.js';
import { publicSummary } from '../../features/registry/public-summary.js';

function summaryView(req: FastifyRequest, rows: RegencyCount[], withDetail: boolean) {
  const lang = req.lang;
  const n = (v: number) => formatNumber(v, lang);
  const total = rows.reduce((s, r) => s + r.workers, 0);
  const women = rows.reduce((s, r) => s + r.women, 0);
  const extreme = rows.reduce((s, r) => s + r.extreme_poor, 0);
  const disability = rows.reduce((s, r) => s + r.disability, 0);
  return html`<div class="cards">
  <div class="card"><span>${t(lang, 'workers')}</span><strong data-testid="total-workers">${n(total)}</strong></div>
  <div class="card"><span>${t(lang, 'women')}</span><strong>${n(women)}</strong></div>
  <div class="card"><span>${t(lang, 'extreme_poor')}</span><strong>${n(extreme)}</strong></div>
  <div class="card"><span>${t(lang, 'disability')}</span><strong>${n(disability)}</strong></div>
</div>
<h2>${t(lang, 'home_title')}</h2>
${barChart(rows.map((r) => ({ label: r.name.replace(/^Kabupaten /, ''), value: r.workers })), { title: t(lang, 'home_title'), format: n })}
<div class="table-wrap"><table class="stack">
<caption class="muted">${t(lang, 'home_title')}</caption>
<thead><tr><th scope="col">${t(lang, 'regency')}</th><th scope="col" class="num">${t(lang, 'workers')}</th><th scope="col" class="num">${t(lang, 'women')}</th><th scope="col" class="num">${t(lang, 'extreme_poor')}</th><th scope="col" class="num">${t(lang, 'disability')}</th></tr></thead>
<tbody>${rows.map(
    (r) => html`<tr><td data-label="${t(lang, 'regency')}">${withDetail ? html`<a href="/registry?area=${r.code}">${r.name}</a>` : r.name}</td><td class="num" data-label="${t(lang, 'workers')}">${n(r.workers)}</td><td class="num" data-label="${t(lang, 'women')}">${n(r.women)}</td><td class="num" data-label="${t(lang, 'extreme_poor')}">${n(r.extreme_poor)}</td><td class="num" data-label="${t(lang, 'disability')}">${n(r.disability)}</td></tr>`,
  )}</tbody>
<tfoot><tr><th scope="row">${t(lang, 'total')}</th><td class="num" data-label="${t(lang, 'workers')}">${n(total)}</td><td class="num" data-label="${t(lang, 'women')}">${n(women)}</td><td class="num" data-label="${t(lang, 'extreme_poor')}">${n(extreme)}</td><td class="num" data-label="${t(lang, 'disability')}">${n(disability)}</td></tr></tfoot>
</table></div>`;
}

async function home(req: FastifyRequest, reply: FastifyReply) {
  const lang = req.lang;
  const user = req.session!.user;
  const changed = (req.query as { password?: string }).password === 'changed';
  if (!can(user.role, 'registry.read')) {
    return page(req, reply, {
      title: t(lang, 'nav_home'),
      body: html`${changed ? html`<p class="ok" role="status">${t(lang, 'password_changed')}</p>` : ''}<p>${lang === 'id'
        ? 'Peran Anda tidak membuka registri pekerja. Fitur untuk peran Anda (berkas BPJS, pembayaran bank, penilaian Paritrana) muncul di menu saat tersedia.'
        : 'Your role does not open the worker registry. Features for your role (BPJS files, bank payments, Paritrana assessment) appear in the menu when available.'}</p>`,
    });
  }
  const rows = await scoped(req, (tx) => cachedRegencySummary(tx, user.areaCode, user.areaCode));
  return page(req, reply, {
    title: t(lang, 'nav_home'),
    body: html`${changed ? html`<p class="ok" role="status">${t(lang, 'password_changed')}</p>` : ''}${summaryView(req, rows, true)}`,
  });
}

export function homePages(app: FastifyInstance): void {
  route(app, { method: 'GET', url: '/', summary: 'Home: registry counts per regency', tags: ['web'], web: true, access: { kind: 'signed_in' }, handler: home });
  route(app, {
    method: 'GET', url: '/publik', summary: 'Public aggregates (no sign-in)', tags: ['web'], web: true, access: { kind: 'public' },
    handler: async (req, reply) => {
      const rows = await publicSummary(app.db);
      return page(req, reply, { title: t(req.lang, 'public_title'), body: html`<p class="muted">${t(req.lang, 'public_note')}</p>${summaryView(req, rows, false)}` });
    },
  });
}
