import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { route } from '../../http/route.js';
import { html } from '../html.js';
import { page } from '../layout.js';
import { formatDate, formatDateTime, formatNumber, formatRupiah, t, type TextKey } from '../i18n.js';
import { runSearch, loadPersonPage, editPerson } from '../../features/registry/routes.js';
import { SORTS, type Sort } from '../../features/registry/search.js';
import { MARITAL_STATUSES, OCCUPATIONS } from '../../domain/person-codes.js';
import { Problem } from '../../http/problem.js';
import { can } from '../../domain/roles.js';
import { childAreas } from '../../features/areas/queries.js';

const RELATION: Record<string, { id: string; en: string }> = {
  suami: { id: 'Suami', en: 'Husband' }, istri: { id: 'Istri', en: 'Wife' }, anak: { id: 'Anak', en: 'Child' },
  ayah: { id: 'Ayah', en: 'Father' }, ibu: { id: 'Ibu', en: 'Mother' }, cucu: { id: 'Cucu', en: 'Grandchild' },
  kakek: { id: 'Kakek', en: 'Grandfather' }, nenek: { id: 'Nenek', en: 'Grandmother' }, saudara: { id: 'Saudara kandung', en: 'Sibling' },
  ayah_mertua: { id: 'Ayah mertua', en: 'Father-in-law' }, ibu_mertua: { id: 'Ibu mertua', en: 'Mother-in-law' }, wasiat: { id: 'Penerima wasiat', en: 'Named in a will' },
};
const label = (s: string | null) => (s ? s.replace(/_/g, ' ') : '—');

interface ListState { q: string; area: string; sort: Sort; page: number }

function readState(src: Record<string, unknown>): ListState {
  const sort = SORTS.includes(src.sort as Sort) ? (src.sort as Sort) : 'name';
  const pageNo = Number(src.page ?? 1);
  return {
    q: String(src.q ?? '').slice(0, 100),
    area: String(src.area ?? '').slice(0, 13),
    sort,
    page: Number.isInteger(pageNo) && pageNo > 0 && pageNo < 100000 ? pageNo : 1,
  };
}

async function listPage(req: FastifyRequest, reply: FastifyReply, state: ListState) {
  const lang = req.lang;
  const user = req.session!.user;
  let result: Awaited<ReturnType<typeof runSearch>> | null = null;
  let error: string | null = null;
  let status = 200;
  try {
    result = await runSearch(req, { q: state.q || undefined, area: state.area || undefined, sort: state.sort, page: state.page, pageSize: 25 });
  } catch (e) {
    if (!(e instanceof Problem) || e.status >= 500) throw e;
    error = e.detail[lang];
    status = e.status;
  }
  // The area picker offers only areas inside the user's own (the next level down: regencies for the
  // province or the whole country, districts for a regency), never areas that would be refused.
  // A village or district operator types a code instead.
  const regencies = user.areaCode && user.areaCode.length > 5 ? [] : await childAreas(req.server.db, user.areaCode ?? '53');
  const hidden = (s: ListState, pageNo: number) => html`<input type="hidden" name="_csrf" value="${req.session!.csrfToken}"><input type="hidden" name="q" value="${s.q}"><input type="hidden" name="area" value="${s.area}"><input type="hidden" name="sort" value="${s.sort}"><input type="hidden" name="page" value="${pageNo}">`;
  return page(req, reply, {
    title: t(lang, 'nav_registry'),
    status,
    body: html`<form method="post" action="/registry" class="search" role="search">
  <input type="hidden" name="_csrf" value="${req.session!.csrfToken}">
  <div><label for="q">${t(lang, 'search_label')}</label><input id="q" name="q" value="${state.q}" autocomplete="off" inputmode="search"></div>
  <div><label for="area">${t(lang, 'area_label')}</label>
    ${regencies.length
      ? html`<select id="area" name="area"><option value="">${t(lang, 'all_areas')}</option>${regencies.map((r) => html`<option value="${r.code}"${r.code === state.area ? html` selected` : ''}>${r.name}</option>`)}</select>`
      : html`<input id="area" name="area" value="${state.area}" placeholder="${user.areaCode ?? '53.01'}">`}
  </div>
  <div><label for="sort">${t(lang, 'sort_label')}</label><select id="sort" name="sort">${SORTS.map((s) => html`<option value="${s}"${s === state.sort ? html` selected` : ''}>${t(lang, `sort_${s}` as TextKey)}</option>`)}</select></div>
  <div><button type="submit">${t(lang, 'search')}</button></div>
</form>
${error ? html`<div class="alert" role="alert">${error}</div>` : ''}
${result && result.items.length === 0 ? html`<p role="status">${t(lang, 'no_results')}</p>` : ''}
${result && result.items.length > 0
  ? html`<div class="table-wrap"><table class="stack" aria-describedby="results-note">
<thead><tr><th scope="col">${t(lang, 'name')}</th><th scope="col">${t(lang, 'nik')}</th><th scope="col">${t(lang, 'birth_date')}</th><th scope="col">${t(lang, 'village')}</th><th scope="col">${t(lang, 'decile')}</th><th scope="col">${t(lang, 'flags')}</th></tr></thead>
<tbody>${result.items.map((p) => html`<tr>
  <td data-label="${t(lang, 'name')}"><a href="/registry/${p.id}">${p.full_name}</a></td>
  <td data-label="${t(lang, 'nik')}"><code>${p.nik}</code></td>
  <td data-label="${t(lang, 'birth_date')}">${formatDate(p.birth_date, lang)}</td>
  <td data-label="${t(lang, 'village')}">${p.village_name}, ${p.regency_name.replace(/^Kabupaten /, '')}</td>
  <td data-label="${t(lang, 'decile')}">${p.dtsen_decile ?? '—'}</td>
  <td data-label="${t(lang, 'flags')}">${p.extreme_poor ? html`<span class="badge">${t(lang, 'extreme_poor')}</span>` : ''}${p.disability ? html`<span class="badge">${t(lang, 'disability')}</span>` : ''}</td>
</tr>`)}</tbody></table></div>
<p id="results-note" class="muted">${can(user.role, 'registry.see_nik') ? '' : t(lang, 'masked_note')}</p>
<nav class="pager" aria-label="${t(lang, 'page')}">
  ${result.page > 1 ? html`<form method="post" action="/registry">${hidden(state, result.page - 1)}<button type="submit">← ${t(lang, 'prev_page')}</button></form>` : ''}
  <span>${t(lang, 'page')} ${result.page}</span>
  ${result.hasNext ? html`<form method="post" action="/registry">${hidden(state, result.page + 1)}<button type="submit">${t(lang, 'next_page')} →</button></form>` : ''}
</nav>`
  : ''}`,
  });
}

async function detailPage(req: FastifyRequest, reply: FastifyReply, id: number, notice: { ok?: string; error?: string } = {}, status = 200) {
  const lang = req.lang;
  const data = await loadPersonPage(req, id);
  const p = data.person;
  const mayEdit = can(req.session!.user.role, 'registry.write');
  const field = (k: TextKey, v: unknown) => html`<dt>${t(lang, k)}</dt><dd>${v === null || v === undefined || v === '' ? '—' : v}</dd>`;
  return page(req, reply, {
    title: p.full_name,
    status,
    body: html`<p><a href="/registry">← ${t(lang, 'back_to_list')}</a></p>
${notice.ok ? html`<div class="ok" role="status">${notice.ok}</div>` : ''}
${notice.error && !mayEdit ? html`<div class="alert" role="alert">${notice.error}</div>` : ''}
<dl class="fields">
  ${field('nik', html`<code>${p.nik}</code>`)}
  ${field('kk', p.kk ? html`<code>${p.kk}</code>` : null)}
  ${field('birth', `${p.birth_place ?? '—'}, ${formatDate(p.birth_date, lang)}`)}
  ${field('sex', t(lang, `sex_${p.sex}` as TextKey))}
  ${field('marital_status', label(p.marital_status))}
  ${field('address', [p.address, data.place?.village, data.place?.district, data.place?.regency].filter(Boolean).join(', '))}
  ${field('phone', p.phone)}
  ${field('occupation', label(p.occupation))}
  ${field('declared_income', p.declared_income === null ? null : formatRupiah(p.declared_income))}
  ${field('decile', p.dtsen_decile)}
  ${field('flags', html`${p.extreme_poor ? html`<span class="badge">${t(lang, 'extreme_poor')}</span>` : ''}${p.disability ? html`<span class="badge">${t(lang, 'disability')}</span>` : ''}`)}
  ${field('bank', p.bank_account ? `${p.bank_name ?? ''} ${p.bank_account}` : null)}
</dl>
<h2>${t(lang, 'heirs')}</h2>
${data.heirs.length === 0 ? html`<p>${t(lang, 'none')}</p>` : html`<div class="table-wrap"><table class="stack"><thead><tr><th scope="col">${t(lang, 'name')}</th><th scope="col">${t(lang, 'relation')}</th><th scope="col">${t(lang, 'nik')}</th><th scope="col">${t(lang, 'birth_date')}</th></tr></thead>
<tbody>${data.heirs.map((h) => html`<tr><td data-label="${t(lang, 'name')}">${h.full_name}</td><td data-label="${t(lang, 'relation')}">${RELATION[h.relation]?.[lang] ?? h.relation}</td><td data-label="${t(lang, 'nik')}">${h.nik ? html`<code>${h.nik}</code>` : '—'}</td><td data-label="${t(lang, 'birth_date')}">${formatDate(h.birth_date, lang)}</td></tr>`)}</tbody></table></div>`}
<h2>${t(lang, 'household')}</h2>
${data.household.length === 0 ? html`<p>${t(lang, 'none')}</p>` : html`<ul>${data.household.map((m) => html`<li><a href="/registry/${m.id}">${m.full_name}</a> (${formatDate(m.birth_date, lang)})</li>`)}</ul>`}
${mayEdit ? html`<h2 id="edit-title">${t(lang, 'edit')}</h2>
${notice.error ? html`<div class="alert" role="alert" id="edit-error">${notice.error}</div>` : ''}
<form method="post" action="/registry/${p.id}" class="form-grid" aria-labelledby="edit-title"${notice.error ? html` aria-describedby="edit-error"` : ''}>
  <input type="hidden" name="_csrf" value="${req.session!.csrfToken}"><input type="hidden" name="version" value="${p.version}">
  <div><label for="phone">${t(lang, 'phone')}</label><input id="phone" name="phone" value="${p.phone ?? ''}" inputmode="tel" autocomplete="off"></div>
  <div><label for="address">${t(lang, 'address')}</label><input id="address" name="address" value="${p.address ?? ''}"></div>
  <div><label for="marital_status">${t(lang, 'marital_status')}</label><select id="marital_status" name="marital_status"><option value="">—</option>${MARITAL_STATUSES.map((m) => html`<option value="${m}"${m === p.marital_status ? html` selected` : ''}>${label(m)}</option>`)}</select></div>
  <div><label for="occupation">${t(lang, 'occupation')}</label><select id="occupation" name="occupation"><option value="">—</option>${OCCUPATIONS.map((o) => html`<option value="${o}"${o === p.occupation ? html` selected` : ''}>${label(o)}</option>`)}</select></div>
  <div><button type="submit">${t(lang, 'save')}</button></div>
</form>` : ''}
<h2>${t(lang, 'history')}</h2>
<div class="table-wrap"><table class="stack" data-testid="history"><thead><tr><th scope="col">${t(lang, 'when')}</th><th scope="col">${t(lang, 'who')}</th><th scope="col">${t(lang, 'what')}</th></tr></thead>
<tbody>${data.history.map((h) => html`<tr><td data-label="${t(lang, 'when')}">${formatDateTime(h.at, lang)}</td><td data-label="${t(lang, 'who')}">${h.actor_label}</td>
<td data-label="${t(lang, 'what')}">${t(lang, h.table_name === 'heir' ? 'table_heir' : 'table_person')} ${t(lang, `op_${h.op}` as TextKey)}${h.op === 'U' ? html`<ul>${h.changes.map((c) => html`<li>${label(c.field)}: ${String(c.before ?? '—')} → ${String(c.after ?? '—')}</li>`)}</ul>` : ''}</td></tr>`)}</tbody></table></div>
<p class="muted">${formatNumber(data.history.length, lang)} ${lang === 'id' ? 'catatan riwayat' : 'history entries'}</p>`,
  });
}

export function registryPages(app: FastifyInstance): void {
  const access = { kind: 'permission', permission: 'registry.read' } as const;
  route(app, {
    method: 'GET', url: '/registry', summary: 'Registry list', tags: ['web'], web: true, access,
    handler: async (req, reply) => listPage(req, reply, readState(req.query as Record<string, unknown>)),
  });
  // Searches are POSTed so a NIK typed in the box never lands in a URL, a log or the browser history.
  route(app, {
    method: 'POST', url: '/registry', summary: 'Registry search (form)', tags: ['web'], web: true, access,
    handler: async (req, reply) => listPage(req, reply, readState((req.body ?? {}) as Record<string, unknown>)),
  });
  route(app, {
    method: 'GET', url: '/registry/:id', summary: 'Worker detail page', tags: ['web'], web: true, access,
    schema: { params: { type: 'object', properties: { id: { type: 'integer', minimum: 1 } }, required: ['id'] } },
    handler: async (req, reply) => detailPage(req, reply, (req.params as { id: number }).id),
  });
  route(app, {
    method: 'POST', url: '/registry/:id', summary: 'Edit worker contact details (form)', tags: ['web'], web: true,
    access: { kind: 'permission', permission: 'registry.write' },
    schema: { params: { type: 'object', properties: { id: { type: 'integer', minimum: 1 } }, required: ['id'] } },
    handler: async (req, reply) => {
      const id = (req.params as { id: number }).id;
      const body = (req.body ?? {}) as Record<string, string | undefined>;
      try {
        await editPerson(req, id, Number(body.version), {
          phone: body.phone ?? null, address: body.address ?? null, marital_status: body.marital_status ?? null, occupation: body.occupation ?? null,
        });
      } catch (e) {
        if (e instanceof Problem && e.status < 500 && e.status !== 404) return detailPage(req, reply, id, { error: e.detail[req.lang] }, e.status);
        throw e;
      }
      return detailPage(req, reply, id, { ok: t(req.lang, 'saved') });
    },
  });
}
