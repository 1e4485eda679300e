/**
 * Claim screens:
 * - /claims: the claims of the user's area with filters (status, type, area, overdue) and a search
 *   by claim number, NIK or name (POSTed: a NIK never goes in a URL);
 * - /claims/new: registration — "Periksa" shows coverage and entitlement at once without storing,
 *   "Daftarkan" stores the draft;
 * - /claims/:id: everything about one claim — member, coverage, entitlement with its reasoning,
 *   heirs in legal order and who receives what, the document checklist and uploads, the next steps
 *   the user may take, letters, transfers and the history.
 * Changes redirect back (POST → 303 → GET) with a short notice; a refusal shows the page again
 * with what to fix.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { route } from '../../http/route.js';
import { actorOf, scoped } from '../../http/context.js';
import { Problem } from '../../http/problem.js';
import { html, type SafeHtml } from '../html.js';
import { page } from '../layout.js';
import { formatDate, formatDateTime, formatNumber, formatRupiah } from '../i18n.js';
import type { Lang, Message } from '../../domain/messages.js';
import { can } from '../../domain/roles.js';
import { parseRupiah } from '../../domain/money.js';
import { UserError } from '../../domain/user-error.js';
import { todayInNtt } from '../../clock.js';
import { CLAIM_STATUSES, CLAIM_STATUS_LABEL } from '../../domain/claim-dashboard.js';
import { CLAIM_TYPES, CLAIM_TYPE_LABEL, SCHOOL_LEVEL_LABEL, isClaimType, paidToMember } from '../../domain/entitlement.js';
import { DOCUMENT_LABEL, MAX_DOCUMENT_BYTES, formatMegabytes, uploadOrder } from '../../domain/claim-documents.js';
import { ACTION_LABEL, makerCheckerProblem, type ClaimAction } from '../../domain/claim-workflow.js';
import { HEIR_RANK, HEIR_RELATIONS, RANK_LABEL, RELATION_LABEL, isHeirRelation } from '../../domain/heirs.js';
import { logAccess } from '../../features/registry/access-log.js';
import { listClaims, previewClaim, registerClaim, type ClaimDetail, type ClaimFilter, type ClaimList, type RegisterInput } from '../../features/claims/claims.js';
import type { ClaimAssessment } from '../../features/claims/entitlement.js';
import { removeDocument, uploadDocument } from '../../features/claims/documents.js';
import { EDUCATION_LEVELS, addHeir, removeHeir, updateHeir, type HeirInput } from '../../features/claims/heirs-store.js';
import { claimStep } from '../../features/claims/workflow.js';
import { claimFor, maskAssessment, maskList, partyOf, receiveDocument } from '../../features/claims/routes.js';

const tr = (lang: Lang, m: Message) => m[lang];
const csrfField = (req: FastifyRequest) => html`<input type="hidden" name="_csrf" value="${req.session!.csrfToken}">`;
type Body = Record<string, string | undefined>;
const field = (req: FastifyRequest, name: string): string => String((req.body as Body | undefined)?.[name] ?? '').trim();
const idOf = (req: FastifyRequest): number => Number((req.params as { id: string }).id);
type Notice = { ok: boolean; body: SafeHtml | string } | null;

function refusal(lang: Lang, e: unknown): SafeHtml | null {
  if (e instanceof UserError) return html`${e.text[lang].split('\n').map((line, i) => html`${i ? html`<br>` : ''}${line}`)}`;
  if (e instanceof Problem && e.status < 500) return html`${e.detail[lang]}`;
  return null;
}

function statusOf(e: unknown): number {
  if (e instanceof UserError) return { invalid: 422, conflict: 409, not_found: 404, forbidden: 403 }[e.kind];
  if (e instanceof Problem) return e.status;
  return 500;
}

function noticeHtml(n: Notice): SafeHtml {
  if (!n) return html``;
  return html`<div class="${n.ok ? 'ok' : 'alert'}" role="${n.ok ? 'status' : 'alert'}">${n.body}</div>`;
}

const DONE: Record<string, Message> = {
  registered: { id: 'Klaim terdaftar sebagai draf. Lengkapi ahli waris dan dokumen, lalu nyatakan berkas lengkap.', en: 'The claim is registered as a draft. Complete the heirs and documents, then mark the file complete.' },
  complete: { id: 'Berkas dinyatakan lengkap; batas waktu layanan (SLA) mulai dihitung.', en: 'The file is marked complete; the SLA clock has started.' },
  submit: { id: 'Klaim diajukan ke BPJS. Keputusan dicatat oleh pengguna lain.', en: 'The claim is submitted to BPJS. Another user records the decision.' },
  approve: { id: 'Klaim disetujui; penerima dan jumlahnya sudah ditetapkan.', en: 'The claim is approved; who receives what is fixed.' },
  reject: { id: 'Klaim ditolak; alasannya dikutip dalam surat keputusan.', en: 'The claim is rejected; the decision letter quotes the reason.' },
  withdraw: { id: 'Klaim dibatalkan.', en: 'The claim is withdrawn.' },
  uploaded: { id: 'Dokumen tersimpan.', en: 'Document saved.' },
  document_removed: { id: 'Dokumen dihapus (tetap tercatat di riwayat).', en: 'Document removed (kept in the history).' },
  heir_added: { id: 'Ahli waris dicatat.', en: 'Heir recorded.' },
  heir_saved: { id: 'Data ahli waris diubah.', en: 'Heir changed.' },
  heir_removed: { id: 'Ahli waris dihapus (tetap tercatat di riwayat).', en: 'Heir removed (kept in the history).' },
};

function typeOptions(lang: Lang, selected: string | null | undefined): SafeHtml[] {
  return CLAIM_TYPES.map((t) => html`<option value="${t}"${selected === t ? html` selected` : ''}>${tr(lang, CLAIM_TYPE_LABEL[t])}</option>`);
}

// ---------------------------------------------------------------------------------------------
// /claims

function listFilter(q: Record<string, unknown>): ClaimFilter {
  const s = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : null);
  const pageNo = Math.max(1, Math.floor(Number(q.page) || 1));
  return { status: s(q.status), type: s(q.type), area: s(q.area), q: s(q.q), overdue: q.overdue === '1' || q.overdue === 'true', limit: 50, offset: (pageNo - 1) * 50 };
}

async function listPage(req: FastifyRequest, reply: FastifyReply, filter: ClaimFilter, searched: boolean) {
  const lang = req.lang;
  const user = actorOf(req);
  let notice: Notice = null;
  let status = 200;
  let list: ClaimList = { items: [], total: 0, limit: 50, offset: 0 };
  try {
    list = maskList(await scoped(req, async (tx) => {
      const l = await listClaims(tx, filter, todayInNtt());
      if (searched && l.items.length) await logAccess(tx, user, { action: 'search', subjectType: 'claim', ids: l.items.map((i) => i.id), purpose: 'claims.search', requestId: req.id });
      return l;
    }), user.role);
  } catch (e) {
    const text = refusal(lang, e);
    if (!text) throw e;
    notice = { ok: false, body: text };
    status = statusOf(e);
  }
  const L = {
    no: tr(lang, { id: 'No. klaim', en: 'Claim no.' }), member: tr(lang, { id: 'Peserta', en: 'Member' }), type: tr(lang, { id: 'Jenis', en: 'Type' }),
    event: tr(lang, { id: 'Tanggal kejadian', en: 'Event date' }), area: tr(lang, { id: 'Wilayah', en: 'Area' }), status: tr(lang, { id: 'Status', en: 'Status' }),
    amount: tr(lang, { id: 'Jumlah', en: 'Amount' }), due: tr(lang, { id: 'Batas SLA', en: 'SLA due' }),
  };
  const pageNo = Math.floor((filter.offset ?? 0) / 50) + 1;
  const qs = (p: number) => {
    const u = new URLSearchParams();
    for (const k of ['status', 'type', 'area'] as const) if (filter[k]) u.set(k, String(filter[k]));
    if (filter.overdue) u.set('overdue', '1');
    u.set('page', String(p));
    return `/claims?${u.toString()}`;
  };
  const body = html`${noticeHtml(notice)}
<ul class="actions" id="claim-work">
  ${can(user.role, 'claims.register') ? html`<li><a class="button" href="/claims/new">${tr(lang, { id: 'Daftarkan klaim baru', en: 'Register a new claim' })}</a></li>` : ''}
  <li><a href="/claims/dashboard">${tr(lang, { id: 'Dasbor klaim', en: 'Claims dashboard' })}</a></li>
  ${can(user.role, 'claims.payout') || can(user.role, 'claims.confirm') ? html`<li><a href="/claims/payouts">${tr(lang, { id: 'Pembayaran ke Bank NTT', en: 'Payouts to Bank NTT' })}</a></li>` : ''}
  <li><a href="/claims/rules">${tr(lang, { id: 'Aturan santunan dan hari libur', en: 'Benefit rules and holidays' })}</a></li>
</ul>
<form method="get" action="/claims" class="search" id="claim-filter">
  <div><label for="f-status">${L.status}</label><select id="f-status" name="status"><option value="">${tr(lang, { id: 'Semua status', en: 'All statuses' })}</option>${CLAIM_STATUSES.map((s) => html`<option value="${s}"${filter.status === s ? html` selected` : ''}>${tr(lang, CLAIM_STATUS_LABEL[s])}</option>`)}</select></div>
  <div><label for="f-type">${L.type}</label><select id="f-type" name="type"><option value="">${tr(lang, { id: 'Semua jenis', en: 'All types' })}</option>${typeOptions(lang, filter.type)}</select></div>
  <div><label for="f-area">${tr(lang, { id: 'Wilayah (kode, mis. 53.01)', en: 'Area (code, e.g. 53.01)' })}</label><input id="f-area" name="area" value="${filter.area ?? ''}" pattern="[0-9.]{2,13}" placeholder="${user.areaCode ?? ''}"></div>
  <div><label><input type="checkbox" name="overdue" value="1"${filter.overdue ? html` checked` : ''}> ${tr(lang, { id: 'Hanya yang terlambat (lewat SLA)', en: 'Overdue only (past the SLA)' })}</label></div>
  <div><button type="submit">${tr(lang, { id: 'Tampilkan', en: 'Show' })}</button></div>
</form>
<form method="post" action="/claims/search" class="search" id="claim-search" role="search">${csrfField(req)}
  <div><label for="q">${tr(lang, { id: 'Cari: nomor klaim, NIK, atau awal nama peserta', en: 'Search: claim number, NIK, or start of the member\'s name' })}</label><input id="q" name="q" value="${searched ? (filter.q ?? '') : ''}" autocomplete="off" maxlength="100"></div>
  <div><button type="submit">${tr(lang, { id: 'Cari', en: 'Search' })}</button></div>
</form>
<p class="muted" id="claim-count">${tr(lang, { id: `${formatNumber(list.total, 'id')} klaim`, en: `${formatNumber(list.total, 'en')} claims` })}</p>
${list.items.length === 0 ? html`<p>${tr(lang, { id: 'Tidak ada klaim yang cocok.', en: 'No matching claims.' })}</p>` : html`<div class="table-wrap"><table class="stack" id="claims">
<thead><tr><th scope="col">${L.no}</th><th scope="col">${L.member}</th><th scope="col">${L.type}</th><th scope="col">${L.event}</th><th scope="col">${L.area}</th><th scope="col">${L.status}</th><th scope="col" class="num">${L.amount}</th><th scope="col">${L.due}</th></tr></thead>
<tbody>${list.items.map((c) => html`<tr data-claim="${c.claimNo}">
  <td data-label="${L.no}"><a href="/claims/${c.id}">${c.claimNo}</a></td>
  <td data-label="${L.member}">${c.fullName}<br><small class="muted"><code>${c.nik}</code></small></td>
  <td data-label="${L.type}">${tr(lang, CLAIM_TYPE_LABEL[c.type])}</td>
  <td data-label="${L.event}">${formatDate(c.eventDate, lang)}</td>
  <td data-label="${L.area}">${c.villageName}<br><small class="muted">${c.regencyName}</small></td>
  <td data-label="${L.status}">${tr(lang, CLAIM_STATUS_LABEL[c.status])}${c.covered ? '' : html` <span class="badge">${tr(lang, { id: 'tidak dilindungi', en: 'not covered' })}</span>`}</td>
  <td data-label="${L.amount}" class="num">${formatRupiah(c.approvedAmount ?? c.entitledAmount)}</td>
  <td data-label="${L.due}">${c.slaDue ? formatDate(c.slaDue, lang) : '—'}${c.overdue ? html` <strong class="badge">${tr(lang, { id: 'terlambat', en: 'overdue' })}</strong>` : ''}</td>
</tr>`)}</tbody></table></div>`}
${!searched && list.total > 50 ? html`<nav class="pager" aria-label="${tr(lang, { id: 'Halaman', en: 'Pages' })}">
  ${pageNo > 1 ? html`<a href="${qs(pageNo - 1)}">← ${tr(lang, { id: 'Sebelumnya', en: 'Previous' })}</a>` : ''}
  <span>${tr(lang, { id: 'Halaman', en: 'Page' })} ${pageNo} / ${Math.ceil(list.total / 50)}</span>
  ${pageNo * 50 < list.total ? html`<a href="${qs(pageNo + 1)}">${tr(lang, { id: 'Berikutnya', en: 'Next' })} →</a>` : ''}
</nav>` : ''}`;
  return page(req, reply, { title: tr(lang, { id: 'Klaim', en: 'Claims' }), body, status });
}

// ---------------------------------------------------------------------------------------------
// /claims/new

interface NewForm {
  nik: string;
  type: string;
  eventDate: string;
  eventPlace: string;
  description: string;
  disabilityPercent: string;
  incapacityDays: string;
  medicalCost: string;
  registerUncovered: boolean;
}

const emptyForm: NewForm = { nik: '', type: 'jkm_death', eventDate: '', eventPlace: '', description: '', disabilityPercent: '', incapacityDays: '', medicalCost: '', registerUncovered: false };

function formOf(req: FastifyRequest): NewForm {
  return {
    nik: field(req, 'nik'), type: field(req, 'type'), eventDate: field(req, 'eventDate'), eventPlace: field(req, 'eventPlace'), description: field(req, 'description'),
    disabilityPercent: field(req, 'disabilityPercent'), incapacityDays: field(req, 'incapacityDays'), medicalCost: field(req, 'medicalCost'), registerUncovered: field(req, 'registerUncovered') === '1',
  };
}

function numberOrNull(v: string, what: Message, kind: 'decimal' | 'integer' | 'rupiah'): number | null {
  if (!v) return null;
  if (kind === 'rupiah') {
    const p = parseRupiah(v);
    if (!p.ok) throw new UserError('invalid', 'number_invalid', { id: `${what.id}: "${v}" bukan jumlah rupiah.`, en: `${what.en}: "${v}" is not an amount of rupiah.` });
    return p.value;
  }
  const n = Number(v.replace(',', '.'));
  if (!Number.isFinite(n) || (kind === 'integer' && !Number.isInteger(n))) {
    throw new UserError('invalid', 'number_invalid', { id: `${what.id}: "${v}" bukan angka${kind === 'integer' ? ' bulat' : ''}.`, en: `${what.en}: "${v}" is not a${kind === 'integer' ? ' whole' : ''} number.` });
  }
  return n;
}

function inputOf(f: NewForm): RegisterInput {
  return {
    nik: f.nik.replace(/\s/g, ''), type: f.type, eventDate: f.eventDate, eventPlace: f.eventPlace || null, description: f.description || null,
    disabilityPercent: numberOrNull(f.disabilityPercent, { id: 'Persentase cacat', en: 'Disability percentage' }, 'decimal'),
    incapacityDays: numberOrNull(f.incapacityDays, { id: 'Hari tidak mampu bekerja', en: 'Days unable to work' }, 'integer'),
    medicalCost: numberOrNull(f.medicalCost, { id: 'Biaya perawatan', en: 'Medical cost' }, 'rupiah'),
    registerUncovered: f.registerUncovered,
  };
}

function assessmentHtml(lang: Lang, a: Pick<ClaimAssessment, 'coverage' | 'entitlement'>): SafeHtml {
  const c = a.coverage;
  const e = a.entitlement;
  return html`<section aria-labelledby="coverage-h" id="coverage"><h2 id="coverage-h">${tr(lang, { id: 'Perlindungan pada tanggal kejadian', en: 'Coverage on the event date' })}</h2>
${c.covered
  ? html`<p class="ok" data-covered="true">${tr(lang, {
    id: `Dilindungi pada ${formatDate(e.eventDate, 'id')} oleh program ${c.programmeCode} (dana ${c.funderName}); perlindungan sejak ${formatDate(c.coverageStart, 'id')}, masa kepesertaan ${e.membershipMonths ?? '?'} bulan penuh.`,
    en: `Covered on ${formatDate(e.eventDate, 'en')} by programme ${c.programmeCode} (funded by ${c.funderName}); covered since ${formatDate(c.coverageStart, 'en')}, ${e.membershipMonths ?? '?'} whole months of membership.`,
  })}</p>`
  : html`<p class="alert" data-covered="false">${tr(lang, { id: 'Tidak dilindungi: ', en: 'Not covered: ' })}${c.reason ? tr(lang, c.reason) : ''} ${tr(lang, { id: 'Klaim ini hanya dapat ditolak.', en: 'This claim can only be rejected.' })}</p>`}
</section>
<section aria-labelledby="entitlement-h" id="entitlement"><h2 id="entitlement-h">${tr(lang, { id: 'Hak santunan menurut aturan', en: 'Entitlement under the rules' })}</h2>
<p><strong data-testid="entitled-total">${formatRupiah(e.total)}</strong>${e.unverified ? html` <span class="badge">${tr(lang, { id: 'sebagian besaran belum diverifikasi', en: 'some amounts unverified' })}</span>` : ''}</p>
${e.components.length ? html`<div class="table-wrap"><table class="stack" id="components">
<thead><tr><th scope="col">${tr(lang, { id: 'Komponen', en: 'Component' })}</th><th scope="col" class="num">${tr(lang, { id: 'Jumlah', en: 'Amount' })}</th><th scope="col">${tr(lang, { id: 'Dasar hukum', en: 'Legal basis' })}</th></tr></thead>
<tbody>${e.components.map((x) => html`<tr><td data-label="${tr(lang, { id: 'Komponen', en: 'Component' })}">${tr(lang, x.label)}</td><td class="num" data-label="${tr(lang, { id: 'Jumlah', en: 'Amount' })}">${formatRupiah(x.amount)}</td><td data-label="${tr(lang, { id: 'Dasar hukum', en: 'Legal basis' })}">${x.legalBasis}${x.verified ? '' : html` <span class="badge">${tr(lang, { id: 'belum diverifikasi', en: 'unverified' })}</span>`}</td></tr>`)}</tbody>
<tfoot><tr><th scope="row">${tr(lang, { id: 'Jumlah', en: 'Total' })}</th><td class="num"><strong>${formatRupiah(e.total)}</strong></td><td></td></tr></tfoot></table></div>` : ''}
<h3>${tr(lang, { id: 'Alasan', en: 'Reasoning' })}</h3>
<ol id="reasons">${e.reasons.map((r) => html`<li>${tr(lang, r)}</li>`)}</ol>
${e.scholarship ? html`<h3>${tr(lang, { id: 'Beasiswa anak', en: 'Children\'s scholarship' })}</h3><p id="scholarship">${tr(lang, e.scholarship.conditions)}</p>` : ''}
</section>`;
}

async function newPage(req: FastifyRequest, reply: FastifyReply, f: NewForm, preview: ClaimAssessment | null, notice: Notice, status = 200) {
  const lang = req.lang;
  const t = isClaimType(f.type) ? f.type : 'jkm_death';
  const today = todayInNtt();
  const body = html`${noticeHtml(notice)}
<p><a href="/claims">← ${tr(lang, { id: 'Daftar klaim', en: 'Claim list' })}</a></p>
<p class="muted">${tr(lang, {
    id: 'Isi data kejadian lalu tekan "Periksa" untuk melihat apakah peserta dilindungi pada tanggal itu (program dan penyandang dana) dan berapa haknya menurut aturan — belum ada yang disimpan. "Daftarkan" menyimpan klaim sebagai draf.',
    en: 'Fill in the event, then press "Check" to see whether the member was covered on that date (programme and funder) and what the rules give — nothing is stored yet. "Register" stores the claim as a draft.',
  })}</p>
<form method="post" action="/claims/new" class="form-grid" id="claim-form">${csrfField(req)}
  <div><label for="nik">NIK ${tr(lang, { id: 'peserta', en: 'of the member' })}</label><input id="nik" name="nik" inputmode="numeric" pattern="[0-9 ]{16,20}" autocomplete="off" required value="${f.nik}"></div>
  <div><label for="type">${tr(lang, { id: 'Jenis klaim', en: 'Claim type' })}</label><select id="type" name="type">${typeOptions(lang, t)}</select></div>
  <div><label for="eventDate">${tr(lang, { id: 'Tanggal kejadian (meninggal / kecelakaan)', en: 'Event date (death / accident)' })}</label><input id="eventDate" name="eventDate" type="date" max="${today}" required value="${f.eventDate}"></div>
  <div><label for="eventPlace">${tr(lang, { id: 'Tempat kejadian', en: 'Place of the event' })}</label><input id="eventPlace" name="eventPlace" maxlength="200" value="${f.eventPlace}"></div>
  <div><label for="description">${tr(lang, { id: 'Uraian singkat', en: 'Short description' })}</label><input id="description" name="description" maxlength="2000" value="${f.description}"></div>
  <div><label for="disabilityPercent">${tr(lang, { id: 'Persentase cacat (hanya cacat sebagian)', en: 'Disability percentage (partial disability only)' })}</label><input id="disabilityPercent" name="disabilityPercent" inputmode="decimal" value="${f.disabilityPercent}"></div>
  <div><label for="incapacityDays">${tr(lang, { id: 'Hari tidak mampu bekerja (hanya STMB)', en: 'Days unable to work (temporary incapacity only)' })}</label><input id="incapacityDays" name="incapacityDays" inputmode="numeric" value="${f.incapacityDays}"></div>
  <div><label for="medicalCost">${tr(lang, { id: 'Biaya perawatan, rupiah (hanya perawatan JKK)', en: 'Medical cost, rupiah (JKK medical care only)' })}</label><input id="medicalCost" name="medicalCost" inputmode="numeric" value="${f.medicalCost}"></div>
  ${preview && !preview.coverage.covered ? html`<div><label><input type="checkbox" name="registerUncovered" value="1"${f.registerUncovered ? html` checked` : ''}> ${tr(lang, { id: 'Daftarkan walaupun tidak dilindungi (klaim hanya dapat ditolak; keluarga mendapat jawaban tertulis)', en: 'Register although not covered (it can only be rejected; the family gets a written answer)' })}</label></div>` : ''}
  <div><button type="submit" name="do" value="preview">${tr(lang, { id: 'Periksa', en: 'Check' })}</button> <button type="submit" name="do" value="register">${tr(lang, { id: 'Daftarkan', en: 'Register' })}</button></div>
</form>
${preview ? html`<section id="preview" aria-label="${tr(lang, { id: 'Hasil pemeriksaan', en: 'Check result' })}"><h2>${preview.person.fullName} <small class="muted"><code>${preview.person.nik}</code></small></h2>${assessmentHtml(lang, preview)}</section>` : ''}`;
  return page(req, reply, { title: tr(lang, { id: 'Daftarkan klaim', en: 'Register a claim' }), body, status });
}

// ---------------------------------------------------------------------------------------------
// /claims/:id

function relationOptions(lang: Lang, selected: string | null): SafeHtml[] {
  return HEIR_RELATIONS.map((r) => html`<option value="${r}"${selected === r ? html` selected` : ''}>${tr(lang, RELATION_LABEL[r])} (${HEIR_RANK[r]})</option>`);
}

function heirFields(lang: Lang, prefix: string, h: Partial<HeirInput> & { bankAccountShown?: string | null }, editing: boolean): SafeHtml {
  const id = (n: string) => `${prefix}-${n}`;
  return html`<div><label for="${id('name')}">${tr(lang, { id: 'Nama lengkap', en: 'Full name' })}</label><input id="${id('name')}" name="fullName" required maxlength="200" value="${h.fullName ?? ''}"></div>
  <div><label for="${id('relation')}">${tr(lang, { id: 'Hubungan dengan peserta (golongan)', en: 'Relation to the member (rank)' })}</label><select id="${id('relation')}" name="relation">${relationOptions(lang, h.relation ?? null)}</select></div>
  <div><label for="${id('nik')}">NIK</label><input id="${id('nik')}" name="nik" inputmode="numeric" pattern="[0-9 ]{16,20}" autocomplete="off" value="${h.nik && !h.nik.includes('x') ? h.nik : ''}" placeholder="${h.nik ?? ''}"></div>
  <div><label for="${id('birth')}">${tr(lang, { id: 'Tanggal lahir', en: 'Birth date' })}</label><input id="${id('birth')}" name="birthDate" type="date" value="${h.birthDate ?? ''}"></div>
  <div><label for="${id('proof')}">${tr(lang, { id: 'Bukti hubungan (no. surat ahli waris, KK, buku nikah…)', en: 'Proof of the relation (heir certificate no., KK, marriage book…)' })}</label><input id="${id('proof')}" name="proof" maxlength="500" value="${h.proof ?? ''}"></div>
  <div><label for="${id('bank')}">${tr(lang, { id: 'Nama bank', en: 'Bank' })}</label><input id="${id('bank')}" name="bankName" maxlength="100" value="${h.bankName ?? ''}" placeholder="Bank NTT"></div>
  <div><label for="${id('account')}">${tr(lang, { id: 'Nomor rekening', en: 'Account number' })}${editing && h.bankAccountShown ? html` <small class="muted">(${tr(lang, { id: 'kosongkan bila tetap', en: 'leave empty to keep' })} ${h.bankAccountShown})</small>` : ''}</label><input id="${id('account')}" name="bankAccount" inputmode="numeric" autocomplete="off" maxlength="30"></div>
  <div><label for="${id('holder')}">${tr(lang, { id: 'Nama pemilik rekening', en: 'Account holder' })}</label><input id="${id('holder')}" name="accountHolder" maxlength="200" value="${h.accountHolder ?? ''}"></div>
  <div><label for="${id('edu')}">${tr(lang, { id: 'Jenjang sekolah (anak, untuk beasiswa)', en: 'School level (children, for the scholarship)' })}</label><select id="${id('edu')}" name="educationLevel"><option value="">—</option>${EDUCATION_LEVELS.map((l) => html`<option value="${l}"${h.educationLevel === l ? html` selected` : ''}>${tr(lang, SCHOOL_LEVEL_LABEL[l])}</option>`)}</select></div>
  <div><label><input type="checkbox" name="deceased" value="1"${h.deceased ? html` checked` : ''}> ${tr(lang, { id: 'Telah meninggal dunia', en: 'Deceased' })}</label></div>`;
}

function heirsSection(req: FastifyRequest, c: ClaimDetail, mayRegister: boolean): SafeHtml {
  const lang = req.lang;
  const csrf = csrfField(req);
  const open = mayRegister && (c.status === 'draft' || c.status === 'documents_complete');
  const L = { name: tr(lang, { id: 'Nama', en: 'Name' }), relation: tr(lang, { id: 'Hubungan', en: 'Relation' }), proof: tr(lang, { id: 'Bukti', en: 'Proof' }), account: tr(lang, { id: 'Rekening', en: 'Account' }) };
  if (paidToMember(c.type)) {
    return html`<section aria-labelledby="payees-h" id="payees"><h2 id="payees-h">${tr(lang, { id: 'Penerima', en: 'Who receives' })}</h2>
${c.plan.ok ? html`<p>${tr(lang, c.plan.reasons[0]!)}</p>` : html`<div class="alert" role="alert">${c.plan.problems.map((p) => html`<p>${tr(lang, p.message)}</p>`)}<p><a href="/registry/${c.personId}">${tr(lang, { id: 'Buka data pekerja', en: 'Open the worker\'s record' })}</a></p></div>`}
${payeeTable(lang, c)}</section>`;
  }
  return html`<section aria-labelledby="heirs-h" id="heirs"><h2 id="heirs-h">${tr(lang, { id: 'Ahli waris dan penerima', en: 'Heirs and who receives' })}</h2>
${c.heirs.length === 0 ? html`<p class="muted">${tr(lang, { id: 'Belum ada ahli waris tercatat.', en: 'No heirs recorded yet.' })}</p>` : html`<div class="table-wrap"><table class="stack" id="heir-list">
<thead><tr><th scope="col">${L.name}</th><th scope="col">${L.relation}</th><th scope="col">NIK</th><th scope="col">${L.proof}</th><th scope="col">${L.account}</th>${open ? html`<th scope="col"><span class="sr-only">${tr(lang, { id: 'Ubah', en: 'Edit' })}</span></th>` : ''}</tr></thead>
<tbody>${c.heirs.map((h) => html`<tr data-heir="${h.id}">
  <td data-label="${L.name}">${h.fullName}${h.deceased ? html` <span class="badge">${tr(lang, { id: 'meninggal', en: 'deceased' })}</span>` : ''}${h.birthDate ? html`<br><small class="muted">${formatDate(h.birthDate, lang)}</small>` : ''}</td>
  <td data-label="${L.relation}">${tr(lang, RELATION_LABEL[h.relation])}<br><small class="muted">${tr(lang, RANK_LABEL[HEIR_RANK[h.relation]])}</small></td>
  <td data-label="NIK">${h.nik ? html`<code>${h.nik}</code>` : '—'}</td>
  <td data-label="${L.proof}">${h.proof ?? '—'}</td>
  <td data-label="${L.account}">${h.bankName ? html`${h.bankName} <code>${h.bankAccount}</code>` : '—'}</td>
  ${open ? html`<td><details><summary>${tr(lang, { id: 'Ubah', en: 'Edit' })}</summary>
    <form method="post" action="/claims/${c.id}/heirs/${h.id}" class="form-grid">${csrf}<input type="hidden" name="version" value="${h.version}">
    ${heirFields(lang, `heir-${h.id}`, { ...h, bankAccountShown: h.bankAccount }, true)}
    <div><button type="submit">${tr(lang, { id: 'Simpan', en: 'Save' })}</button></div></form>
    <form method="post" action="/claims/${c.id}/heirs/${h.id}/delete" class="inline">${csrf}<input type="hidden" name="version" value="${h.version}"><button type="submit">${tr(lang, { id: 'Hapus ahli waris ini', en: 'Remove this heir' })}</button></form>
  </details></td>` : ''}
</tr>`)}</tbody></table></div>`}
<h3>${tr(lang, { id: 'Urutan ahli waris: siapa menerima', en: 'Order of heirs: who receives' })}</h3>
<ul id="plan">${c.plan.reasons.map((r) => html`<li>${tr(lang, r)}</li>`)}</ul>
${c.plan.problems.some((p) => p.blocking) ? html`<div class="alert" id="heir-problems">${tr(lang, { id: 'Perlu diperbaiki sebelum berkas lengkap:', en: 'To fix before the file is complete:' })}<ul>${c.plan.problems.filter((p) => p.blocking).map((p) => html`<li>${tr(lang, p.message)}</li>`)}</ul></div>` : ''}
${payeeTable(lang, c)}
${open ? html`<details${c.heirs.length === 0 ? html` open` : ''}><summary>${tr(lang, { id: 'Catat ahli waris', en: 'Record an heir' })}</summary>
<form method="post" action="/claims/${c.id}/heirs" class="form-grid" id="add-heir">${csrf}
${heirFields(lang, 'new-heir', {}, false)}
<div><button type="submit">${tr(lang, { id: 'Catat', en: 'Record' })}</button></div></form></details>` : ''}
</section>`;
}

function payeeTable(lang: Lang, c: ClaimDetail): SafeHtml {
  if (c.payees.length === 0) return html``;
  return html`<h3>${tr(lang, { id: 'Penerima yang ditetapkan', en: 'Payees fixed at approval' })}</h3>
<div class="table-wrap"><table class="stack" id="payee-list"><thead><tr><th scope="col">${tr(lang, { id: 'Nama', en: 'Name' })}</th><th scope="col">${tr(lang, { id: 'Hubungan', en: 'Relation' })}</th><th scope="col" class="num">${tr(lang, { id: 'Jumlah', en: 'Amount' })}</th><th scope="col">${tr(lang, { id: 'Rekening', en: 'Account' })}</th></tr></thead>
<tbody>${c.payees.map((p) => html`<tr><td data-label="${tr(lang, { id: 'Nama', en: 'Name' })}">${p.fullName}</td><td data-label="${tr(lang, { id: 'Hubungan', en: 'Relation' })}">${isHeirRelation(p.relation) ? tr(lang, RELATION_LABEL[p.relation]) : tr(lang, { id: 'peserta sendiri', en: 'the member' })}</td><td class="num" data-label="${tr(lang, { id: 'Jumlah', en: 'Amount' })}">${formatRupiah(p.amount)}</td><td data-label="${tr(lang, { id: 'Rekening', en: 'Account' })}">${p.bankName} <code>${p.bankAccount}</code> a.n. ${p.accountHolder}</td></tr>`)}</tbody>
<tfoot><tr><th scope="row" colspan="2">${tr(lang, { id: 'Jumlah', en: 'Total' })}</th><td class="num"><strong>${formatRupiah(c.payees.reduce((s, p) => s + p.amount, 0))}</strong></td><td></td></tr></tfoot></table></div>`;
}

function documentsSection(req: FastifyRequest, c: ClaimDetail, mayRegister: boolean): SafeHtml {
  const lang = req.lang;
  const canUpload = mayRegister && ['draft', 'documents_complete', 'submitted'].includes(c.status);
  const canRemove = mayRegister && c.status === 'draft';
  return html`<section aria-labelledby="docs-h" id="documents"><h2 id="docs-h">${tr(lang, { id: 'Dokumen', en: 'Documents' })}</h2>
<ul id="checklist">${c.checklist.items.map((i) => html`<li data-kind="${i.kind}" data-done="${i.uploaded > 0 ? 'yes' : 'no'}">${i.uploaded > 0 ? '✓' : i.required ? '✗' : '·'} ${tr(lang, i.label)}${i.because ? html` <small class="muted">(${tr(lang, i.because)})</small>` : ''}${i.required ? '' : html` <small class="muted">(${tr(lang, { id: 'tambahan', en: 'extra' })})</small>`}</li>`)}</ul>
<p>${c.checklist.complete ? tr(lang, { id: 'Semua dokumen yang diwajibkan sudah ada.', en: 'Every required document is there.' }) : tr(lang, { id: `Masih kurang ${c.checklist.missing.length} dokumen.`, en: `${c.checklist.missing.length} document(s) still missing.` })}</p>
${c.documents.length ? html`<div class="table-wrap"><table class="stack" id="document-list"><thead><tr><th scope="col">${tr(lang, { id: 'Dokumen', en: 'Document' })}</th><th scope="col">${tr(lang, { id: 'Berkas', en: 'File' })}</th><th scope="col">${tr(lang, { id: 'Diunggah', en: 'Uploaded' })}</th>${canRemove ? html`<th scope="col"><span class="sr-only">${tr(lang, { id: 'Hapus', en: 'Remove' })}</span></th>` : ''}</tr></thead>
<tbody>${c.documents.map((d) => html`<tr><td data-label="${tr(lang, { id: 'Dokumen', en: 'Document' })}">${tr(lang, DOCUMENT_LABEL[d.kind])}</td>
  <td data-label="${tr(lang, { id: 'Berkas', en: 'File' })}"><a href="/api/claims/${c.id}/documents/${d.id}" target="_blank" rel="noopener">${d.fileName}</a> <small class="muted">${d.mediaType.replace(/^.*\//, '').toUpperCase()}, ${formatMegabytes(d.sizeBytes, lang)}</small></td>
  <td data-label="${tr(lang, { id: 'Diunggah', en: 'Uploaded' })}">${formatDateTime(new Date(d.uploadedAt), lang)} · ${d.uploadedBy}</td>
  ${canRemove ? html`<td><form method="post" action="/claims/${c.id}/documents/${d.id}/delete" class="inline">${csrfField(req)}<button type="submit">${tr(lang, { id: 'Hapus', en: 'Remove' })}</button></form></td>` : ''}</tr>`)}</tbody></table></div>` : ''}
${canUpload ? html`<form method="post" action="/claims/${c.id}/documents?_csrf=${encodeURIComponent(req.session!.csrfToken)}" enctype="multipart/form-data" class="form-grid" id="upload">
  <div><label for="doc-kind">${tr(lang, { id: 'Jenis dokumen', en: 'Kind of document' })}</label><select id="doc-kind" name="kind">${uploadOrder(c.type).map((k) => html`<option value="${k}"${c.checklist.missing[0] === k ? html` selected` : ''}>${tr(lang, DOCUMENT_LABEL[k])}</option>`)}</select></div>
  <div><label for="doc-file">${tr(lang, { id: `Berkas (PDF, JPG, atau PNG; paling besar ${formatMegabytes(MAX_DOCUMENT_BYTES, 'id')})`, en: `File (PDF, JPG or PNG; at most ${formatMegabytes(MAX_DOCUMENT_BYTES, 'en')})` })}</label><input id="doc-file" type="file" name="file" accept=".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png" required></div>
  <div><button type="submit">${tr(lang, { id: 'Unggah', en: 'Upload' })}</button></div>
</form>` : ''}
</section>`;
}

function actionsSection(req: FastifyRequest, c: ClaimDetail): SafeHtml {
  const lang = req.lang;
  const user = actorOf(req);
  const csrf = csrfField(req);
  const may = (a: ClaimAction) => c.actions.includes(a) && can(user.role, a === 'approve' || a === 'reject' ? 'claims.decide' : 'claims.register');
  const checker = makerCheckerProblem({ userId: user.userId, label: user.username }, { userId: c.registeredById, label: c.registeredBy }, c.submittedBy ? { userId: c.submittedById, label: c.submittedBy } : null);
  const decide = (may('approve') || may('reject')) && !checker;
  const version = html`<input type="hidden" name="version" value="${c.version}">`;
  const simple = (a: ClaimAction) => html`<form method="post" action="/claims/${c.id}/step" class="inline">${csrf}${version}<input type="hidden" name="action" value="${a}"><button type="submit">${tr(lang, ACTION_LABEL[a])}</button></form>`;
  const any = may('complete') || may('submit') || may('withdraw') || decide;
  return html`<section aria-labelledby="steps-h" id="steps"><h2 id="steps-h">${tr(lang, { id: 'Langkah berikutnya', en: 'Next steps' })}</h2>
${!any ? html`<p class="muted">${c.actions.length === 0 ? tr(lang, { id: 'Tidak ada langkah lagi untuk klaim ini di sini.', en: 'No further step for this claim here.' }) : (may('approve') || may('reject')) && checker ? tr(lang, checker) : tr(lang, { id: 'Langkah berikutnya dilakukan oleh pengguna dengan peran lain.', en: 'The next step is taken by a user with another role.' })}</p>` : ''}
<p>${may('complete') ? simple('complete') : ''} ${may('submit') ? simple('submit') : ''}</p>
${decide && may('approve') ? html`<form method="post" action="/claims/${c.id}/step" class="form-grid" id="approve">${csrf}${version}<input type="hidden" name="action" value="approve">
  <div><label for="amount">${tr(lang, { id: 'Jumlah yang disetujui BPJS (rupiah)', en: 'Amount BPJS approved (rupiah)' })}</label><input id="amount" name="amount" inputmode="numeric" value="${formatRupiah(c.entitledAmount)}"></div>
  <div><label for="note">${tr(lang, { id: 'Catatan keputusan (wajib bila kurang dari hak)', en: 'Decision note (required when below the entitlement)' })}</label><input id="note" name="note" maxlength="2000"></div>
  <div><button type="submit">${tr(lang, ACTION_LABEL.approve)}</button></div></form>` : ''}
${decide && may('reject') ? html`<form method="post" action="/claims/${c.id}/step" class="form-grid" id="reject">${csrf}${version}<input type="hidden" name="action" value="reject">
  <div><label for="reject-reason">${tr(lang, { id: 'Alasan penolakan (dikutip dalam surat keputusan)', en: 'Reason for the rejection (quoted in the decision letter)' })}</label><input id="reject-reason" name="reason" maxlength="2000" required${c.covered ? '' : html` value="${tr(lang, { id: 'Peserta tidak dilindungi pada tanggal kejadian.', en: 'The member was not covered on the event date.' })}"`}></div>
  <div><button type="submit">${tr(lang, ACTION_LABEL.reject)}</button></div></form>` : ''}
${may('withdraw') ? html`<details><summary>${tr(lang, ACTION_LABEL.withdraw)}</summary><form method="post" action="/claims/${c.id}/step" class="form-grid" id="withdraw">${csrf}${version}<input type="hidden" name="action" value="withdraw">
  <div><label for="withdraw-reason">${tr(lang, { id: 'Alasan pembatalan', en: 'Why it is withdrawn' })}</label><input id="withdraw-reason" name="reason" maxlength="1000" required></div>
  <div><button type="submit">${tr(lang, ACTION_LABEL.withdraw)}</button></div></form></details>` : ''}
</section>`;
}

async function claimPage(req: FastifyRequest, reply: FastifyReply, id: number, notice: Notice, status = 200) {
  const lang = req.lang;
  const user = actorOf(req);
  const c = await claimFor(req, id, 'claims.page');
  const mayRegister = can(user.role, 'claims.register');
  const done = (req.query as Record<string, unknown>).done;
  const shown: Notice = notice ?? (typeof done === 'string' && DONE[done] ? { ok: true, body: tr(lang, DONE[done]) } : null);
  const decided = ['approved', 'rejected', 'paid', 'confirmed'].includes(c.status);
  const L = { type: tr(lang, { id: 'Jenis klaim', en: 'Claim type' }) };
  const body = html`${noticeHtml(shown)}
<p><a href="/claims">← ${tr(lang, { id: 'Daftar klaim', en: 'Claim list' })}</a></p>
<dl class="fields" id="summary">
  <dt>${tr(lang, { id: 'Status', en: 'Status' })}</dt><dd data-testid="claim-status" data-status="${c.status}"><strong>${tr(lang, CLAIM_STATUS_LABEL[c.status])}</strong>${c.overdue ? html` <strong class="badge">${tr(lang, { id: 'terlambat', en: 'overdue' })}</strong>` : ''}</dd>
  <dt>${tr(lang, { id: 'Peserta', en: 'Member' })}</dt><dd><a href="/registry/${c.personId}">${c.fullName}</a> <code>${c.nik}</code></dd>
  <dt>${L.type}</dt><dd>${tr(lang, CLAIM_TYPE_LABEL[c.type])}</dd>
  <dt>${tr(lang, { id: 'Kejadian', en: 'Event' })}</dt><dd>${formatDate(c.eventDate, lang)}${c.eventPlace ? ` · ${c.eventPlace}` : ''}${c.description ? html`<br>${c.description}` : ''}</dd>
  ${c.disabilityPercent !== null ? html`<dt>${tr(lang, { id: 'Persentase cacat', en: 'Disability' })}</dt><dd>${c.disabilityPercent}%</dd>` : ''}
  ${c.incapacityDays !== null ? html`<dt>${tr(lang, { id: 'Hari tidak mampu bekerja', en: 'Days unable to work' })}</dt><dd>${c.incapacityDays}</dd>` : ''}
  ${c.medicalCost !== null ? html`<dt>${tr(lang, { id: 'Biaya perawatan', en: 'Medical cost' })}</dt><dd>${formatRupiah(c.medicalCost)}</dd>` : ''}
  <dt>${tr(lang, { id: 'Wilayah', en: 'Area' })}</dt><dd>${c.villageName}, ${c.regencyName}</dd>
  <dt>${tr(lang, { id: 'Didaftarkan', en: 'Registered' })}</dt><dd>${formatDateTime(new Date(c.createdAt), lang)} · ${c.registeredBy}</dd>
  ${c.documentsCompleteAt ? html`<dt>${tr(lang, { id: 'Berkas lengkap', en: 'File complete' })}</dt><dd>${formatDateTime(new Date(c.documentsCompleteAt), lang)} · ${tr(lang, { id: 'batas SLA', en: 'SLA due' })} <strong>${formatDate(c.slaDue, lang)}</strong></dd>` : ''}
  ${c.submittedAt ? html`<dt>${tr(lang, { id: 'Diajukan ke BPJS', en: 'Submitted to BPJS' })}</dt><dd>${formatDateTime(new Date(c.submittedAt), lang)} · ${c.submittedBy}</dd>` : ''}
  ${c.decidedAt ? html`<dt>${tr(lang, { id: 'Keputusan', en: 'Decision' })}</dt><dd>${formatDateTime(new Date(c.decidedAt), lang)} · ${c.decidedBy}${c.approvedAmount !== null ? html` · <strong>${formatRupiah(c.approvedAmount)}</strong>` : ''}${c.decisionNote ? html`<br>${c.decisionNote}` : ''}${c.rejectionReason ? html`<br>${tr(lang, { id: 'Alasan', en: 'Reason' })}: ${c.rejectionReason}` : ''}</dd>` : ''}
  ${c.withdrawnReason ? html`<dt>${tr(lang, { id: 'Dibatalkan', en: 'Withdrawn' })}</dt><dd>${c.withdrawnReason}</dd>` : ''}
  ${c.paidAt ? html`<dt>${tr(lang, { id: 'Dibayar', en: 'Paid' })}</dt><dd>${formatDateTime(new Date(c.paidAt), lang)}</dd>` : ''}
  ${c.confirmedAt ? html`<dt>${tr(lang, { id: 'Dikonfirmasi bank', en: 'Confirmed by the bank' })}</dt><dd>${formatDateTime(new Date(c.confirmedAt), lang)}</dd>` : ''}
</dl>
${decided || c.transfers.length ? html`<ul class="actions" id="letters">
  ${decided ? html`<li><a href="/claims/${c.id}/letters/decision.pdf">${tr(lang, { id: 'Surat keputusan (PDF)', en: 'Decision letter (PDF)' })}</a></li>` : ''}
  ${c.transfers.length || c.status === 'paid' || c.status === 'confirmed' ? html`<li><a href="/claims/${c.id}/letters/payout.pdf">${tr(lang, { id: 'Pemberitahuan pembayaran (PDF)', en: 'Payout notice (PDF)' })}</a></li>` : ''}
</ul>` : ''}
${actionsSection(req, c)}
${assessmentHtml(lang, c)}
${heirsSection(req, c, mayRegister)}
${documentsSection(req, c, mayRegister)}
${c.transfers.length ? html`<section aria-labelledby="transfers-h" id="transfers"><h2 id="transfers-h">${tr(lang, { id: 'Transfer bank', en: 'Bank transfers' })}</h2>
<div class="table-wrap"><table class="stack"><thead><tr><th scope="col">${tr(lang, { id: 'Referensi', en: 'Reference' })}</th><th scope="col">${tr(lang, { id: 'Batch', en: 'Batch' })}</th><th scope="col" class="num">${tr(lang, { id: 'Jumlah', en: 'Amount' })}</th><th scope="col">${tr(lang, { id: 'Status', en: 'Status' })}</th></tr></thead>
<tbody>${c.transfers.map((t) => html`<tr><td data-label="${tr(lang, { id: 'Referensi', en: 'Reference' })}"><code>${t.reference}</code>${t.retryOf ? html` <small class="muted">(${tr(lang, { id: 'ulang', en: 'retry' })})</small>` : ''}</td><td data-label="${tr(lang, { id: 'Batch', en: 'Batch' })}">${can(user.role, 'claims.confirm') ? html`<a href="/claims/payouts/${t.batchId}">#${t.batchId}</a>` : `#${t.batchId}`}</td><td class="num" data-label="${tr(lang, { id: 'Jumlah', en: 'Amount' })}">${formatRupiah(t.amount)}</td><td data-label="${tr(lang, { id: 'Status', en: 'Status' })}">${t.status}${t.bankReference ? ` · ${t.bankReference}` : ''}${t.failureReason ? ` · ${t.failureReason}` : ''}</td></tr>`)}</tbody></table></div></section>` : ''}
<section aria-labelledby="history-h" id="history"><h2 id="history-h">${tr(lang, { id: 'Riwayat', en: 'History' })}</h2>
<div class="table-wrap"><table class="stack"><thead><tr><th scope="col">${tr(lang, { id: 'Waktu', en: 'When' })}</th><th scope="col">${tr(lang, { id: 'Oleh', en: 'By' })}</th><th scope="col">${tr(lang, { id: 'Perubahan', en: 'Change' })}</th></tr></thead>
<tbody>${c.history.map((h) => html`<tr><td data-label="${tr(lang, { id: 'Waktu', en: 'When' })}">${formatDateTime(new Date(h.at), lang)}</td><td data-label="${tr(lang, { id: 'Oleh', en: 'By' })}">${h.actor}</td>
<td data-label="${tr(lang, { id: 'Perubahan', en: 'Change' })}">${historyEntry(lang, h)}</td></tr>`)}</tbody></table></div></section>`;
  return page(req, reply, { title: `${tr(lang, { id: 'Klaim', en: 'Claim' })} ${c.claimNo}`, body, status });
}

const FIELD_LABEL: Record<string, Message> = {
  status: { id: 'Status', en: 'Status' }, sla_due: { id: 'Batas SLA', en: 'SLA due' }, documents_complete_at: { id: 'Berkas lengkap', en: 'File complete' },
  submitted_at: { id: 'Diajukan', en: 'Submitted' }, submitted_by_label: { id: 'Diajukan oleh', en: 'Submitted by' }, decided_at: { id: 'Diputuskan', en: 'Decided' },
  decided_by_label: { id: 'Diputuskan oleh', en: 'Decided by' }, approved_amount: { id: 'Jumlah disetujui', en: 'Approved amount' }, entitled_amount: { id: 'Hak menurut aturan', en: 'Entitled' },
  rejection_reason: { id: 'Alasan penolakan', en: 'Reason for rejection' }, decision_note: { id: 'Catatan keputusan', en: 'Decision note' }, withdrawn_reason: { id: 'Alasan pembatalan', en: 'Why withdrawn' },
  covered: { id: 'Dilindungi', en: 'Covered' }, paid_at: { id: 'Dibayar', en: 'Paid' }, confirmed_at: { id: 'Dikonfirmasi bank', en: 'Confirmed by the bank' },
  bank_reference: { id: 'Referensi bank', en: 'Bank reference' }, failure_reason: { id: 'Alasan gagal', en: 'Failure reason' },
};
const AMOUNT_FIELDS = new Set(['approved_amount', 'entitled_amount', 'amount']);

function historyValue(lang: Lang, field: string, v: unknown): string {
  if (v === null || v === undefined || v === '') return '—';
  if (field === 'status' && typeof v === 'string' && (CLAIM_STATUSES as readonly string[]).includes(v)) return tr(lang, CLAIM_STATUS_LABEL[v as ClaimDetail['status']]);
  if (AMOUNT_FIELDS.has(field) && typeof v === 'number') return formatRupiah(v);
  if (typeof v === 'boolean') return tr(lang, v ? { id: 'ya', en: 'yes' } : { id: 'tidak', en: 'no' });
  if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(v)) return formatDateTime(new Date(v), lang);
  if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v)) return formatDate(v, lang);
  return String(v);
}

/** One history entry in words: what changed, with the fields a reader cares about. */
function historyEntry(lang: Lang, h: ClaimDetail['history'][number]): SafeHtml {
  const after = (f: string) => h.changes.find((x) => x.field === f)?.after ?? h.changes.find((x) => x.field === f)?.before ?? null;
  const verb: Message = { I: { id: 'dibuat', en: 'created' }, U: { id: 'diubah', en: 'changed' }, D: { id: 'dihapus', en: 'removed' } }[h.op];
  switch (h.table) {
    case 'claim_document': {
      const kind = after('kind');
      const label = typeof kind === 'string' && kind in DOCUMENT_LABEL ? tr(lang, DOCUMENT_LABEL[kind as keyof typeof DOCUMENT_LABEL]) : String(kind ?? '');
      const did = h.op === 'I' ? { id: 'diunggah', en: 'uploaded' } : verb;
      return html`${tr(lang, { id: 'Dokumen', en: 'Document' })} ${tr(lang, did)}: ${label} (${String(after('file_name') ?? '')})`;
    }
    case 'claim_payee':
      return html`${tr(lang, { id: 'Penerima', en: 'Payee' })} ${tr(lang, h.op === 'I' ? { id: 'ditetapkan', en: 'fixed' } : verb)}: ${String(after('full_name') ?? '')}, ${historyValue(lang, 'amount', after('amount'))}`;
    case 'payout_line':
      return html`${tr(lang, { id: 'Transfer', en: 'Transfer' })} <code>${String(after('reference') ?? '')}</code> ${tr(lang, verb)}: ${String(after('status') ?? '')}${after('failure_reason') ? ` — ${String(after('failure_reason'))}` : ''}`;
    default: {
      const shown = h.changes.filter((x) => FIELD_LABEL[x.field] && (h.op !== 'I' || x.field === 'status' || x.field === 'covered' || x.field === 'entitled_amount'));
      return html`${tr(lang, { id: 'Klaim', en: 'Claim' })} ${tr(lang, verb)}${shown.length ? html`<ul>${shown.map((x) => html`<li>${tr(lang, FIELD_LABEL[x.field]!)}: ${h.op === 'I' ? '' : html`${historyValue(lang, x.field, x.before)} → `}${historyValue(lang, x.field, x.after)}</li>`)}</ul>` : ''}`;
    }
  }
}

// ---------------------------------------------------------------------------------------------

export function claimPages(app: FastifyInstance): void {
  const read = { kind: 'permission', permission: 'claims.read' } as const;
  const register = { kind: 'permission', permission: 'claims.register' } as const;
  const params = { type: 'object', properties: { id: { type: 'integer', minimum: 1 } }, required: ['id'] } as const;

  route(app, {
    method: 'GET', url: '/claims', summary: 'Claims list', tags: ['web'], web: true, access: read,
    handler: async (req, reply) => listPage(req, reply, listFilter(req.query as Record<string, unknown>), false),
  });
  route(app, {
    method: 'POST', url: '/claims/search', summary: 'Search claims (form)', tags: ['web'], web: true, access: read,
    handler: async (req, reply) => listPage(req, reply, { q: field(req, 'q') || null, limit: 100 }, true),
  });
  route(app, {
    method: 'GET', url: '/claims/new', summary: 'Register a claim', tags: ['web'], web: true, access: register,
    handler: async (req, reply) => newPage(req, reply, emptyForm, null, null),
  });
  route(app, {
    method: 'POST', url: '/claims/new', summary: 'Check or register a claim (form)', tags: ['web'], web: true, access: register,
    handler: async (req, reply) => {
      const lang = req.lang;
      const user = actorOf(req);
      const f = formOf(req);
      let preview: ClaimAssessment | null = null;
      try {
        const input = inputOf(f);
        if (field(req, 'do') === 'register') {
          const c = await scoped(req, (tx) => registerClaim(tx, input, partyOf(req), todayInNtt()));
          return reply.redirect(`/claims/${c.id}?done=registered`, 303);
        }
        preview = maskAssessment(await scoped(req, async (tx) => {
          const a = await previewClaim(tx, input, todayInNtt());
          await logAccess(tx, user, { action: 'view', subjectType: 'person', ids: [a.person.id], purpose: 'claims.assess', requestId: req.id });
          return a;
        }), user.role);
        return newPage(req, reply, f, preview, null);
      } catch (e) {
        const text = refusal(lang, e);
        if (!text) throw e;
        // "Not covered" comes with the assessment: show it, with the choice to register anyway.
        const extra = e instanceof UserError ? (e.extra.assessment as ClaimAssessment | undefined) : undefined;
        if (extra) preview = maskAssessment(extra, user.role);
        return newPage(req, reply, f, preview, { ok: false, body: text }, statusOf(e));
      }
    },
  });
  route(app, {
    method: 'GET', url: '/claims/:id', summary: 'A claim', tags: ['web'], web: true, access: read, schema: { params },
    handler: async (req, reply) => claimPage(req, reply, idOf(req), null),
  });

  /** Runs a change; back to the claim page with a notice, or the page again with what to fix. */
  const act = async (req: FastifyRequest, reply: FastifyReply, done: string, fn: () => Promise<unknown>) => {
    const id = idOf(req);
    try {
      await fn();
      return reply.redirect(`/claims/${id}?done=${done}`, 303);
    } catch (e) {
      const text = refusal(req.lang, e);
      if (!text) throw e;
      const code = statusOf(e);
      if (code === 404) throw e;
      return claimPage(req, reply, id, { ok: false, body: text }, code);
    }
  };
  const versionOf = (req: FastifyRequest): number | null => (field(req, 'version') ? Number(field(req, 'version')) : null);

  route(app, {
    method: 'POST', url: '/claims/:id/step', summary: 'A claim step (form): complete, submit, approve, reject, withdraw', tags: ['web'], web: true, access: read, schema: { params },
    handler: async (req, reply) => {
      const action = field(req, 'action') as ClaimAction;
      return act(req, reply, action, async () => {
        const user = actorOf(req);
        const need = action === 'approve' || action === 'reject' ? 'claims.decide' : 'claims.register';
        if (!can(user.role, need)) {
          throw new UserError('forbidden', 'role', { id: 'Peran akun Anda tidak mencakup langkah ini.', en: 'Your account role does not include this step.' });
        }
        if (!['complete', 'submit', 'approve', 'reject', 'withdraw'].includes(action)) {
          throw new UserError('invalid', 'step_unknown', { id: 'Langkah tidak dikenal.', en: 'Unknown step.' });
        }
        const amount = action === 'approve' ? numberOrNull(field(req, 'amount'), { id: 'Jumlah yang disetujui', en: 'Approved amount' }, 'rupiah') : null;
        await scoped(req, (tx) => claimStep(tx, idOf(req), { action, version: versionOf(req), amount, note: field(req, 'note') || null, reason: field(req, 'reason') }, partyOf(req)));
      });
    },
  });
  route(app, {
    method: 'POST', url: '/claims/:id/documents', summary: 'Upload a claim document (form)', tags: ['web'], web: true, access: register, schema: { params },
    handler: async (req, reply) => act(req, reply, 'uploaded', async () => {
      const up = await receiveDocument(req);
      await scoped(req, (tx) => uploadDocument(tx, idOf(req), up, actorOf(req).username));
    }),
  });
  route(app, {
    method: 'POST', url: '/claims/:id/documents/:documentId/delete', summary: 'Remove a claim document (form)', tags: ['web'], web: true, access: register,
    schema: { params: { type: 'object', properties: { id: { type: 'integer', minimum: 1 }, documentId: { type: 'integer', minimum: 1 } }, required: ['id', 'documentId'] } },
    handler: async (req, reply) => act(req, reply, 'document_removed', async () => {
      await scoped(req, (tx) => removeDocument(tx, idOf(req), Number((req.params as { documentId: number }).documentId)));
    }),
  });

  const heirInput = (req: FastifyRequest, editing: boolean): HeirInput => {
    const opt = (name: string) => (editing && field(req, name) === '' ? undefined : field(req, name) || null);
    return {
      fullName: field(req, 'fullName'), relation: field(req, 'relation'), nik: opt('nik'), birthDate: field(req, 'birthDate') || null, proof: field(req, 'proof') || null,
      bankName: field(req, 'bankName') || null, bankAccount: opt('bankAccount'), accountHolder: field(req, 'accountHolder') || null,
      educationLevel: field(req, 'educationLevel') || null, deceased: field(req, 'deceased') === '1',
    };
  };
  /** The claim's member, as the heirs' owner (row-level security: a claim outside the area is not found). */
  const memberOf = async (req: FastifyRequest, tx: Parameters<Parameters<typeof scoped>[1]>[0]): Promise<number> => {
    const [c] = await tx.query<{ person_id: number }>('SELECT person_id FROM claim WHERE id = $1', [idOf(req)]);
    if (!c) throw new UserError('not_found', 'claim_not_found', { id: 'Klaim tidak ada (atau di luar wilayah Anda).', en: 'The claim does not exist (or is outside your area).' });
    return Number(c.person_id);
  };
  const heirParams = { type: 'object', properties: { id: { type: 'integer', minimum: 1 }, heirId: { type: 'integer', minimum: 1 } }, required: ['id', 'heirId'] } as const;
  /** The heir must belong to the claim's member: a form cannot reach another person's heirs. */
  const ownHeir = async (req: FastifyRequest, tx: Parameters<Parameters<typeof scoped>[1]>[0]): Promise<number> => {
    const person = await memberOf(req, tx);
    const heirId = Number((req.params as { heirId: number }).heirId);
    const [h] = await tx.query('SELECT 1 FROM heir WHERE id = $1 AND person_id = $2', [heirId, person]);
    if (!h) throw new UserError('not_found', 'heir_not_found', { id: 'Ahli waris itu tidak tercatat untuk peserta klaim ini.', en: 'That heir is not recorded for this claim\'s member.' });
    return heirId;
  };
  route(app, {
    method: 'POST', url: '/claims/:id/heirs', summary: 'Record an heir of the claim\'s member (form)', tags: ['web'], web: true, access: register, schema: { params },
    handler: async (req, reply) => act(req, reply, 'heir_added', async () => {
      await scoped(req, async (tx) => addHeir(tx, await memberOf(req, tx), heirInput(req, false), todayInNtt()));
    }),
  });
  route(app, {
    method: 'POST', url: '/claims/:id/heirs/:heirId', summary: 'Change an heir (form)', tags: ['web'], web: true, access: register, schema: { params: heirParams },
    handler: async (req, reply) => act(req, reply, 'heir_saved', async () => {
      await scoped(req, async (tx) => updateHeir(tx, await ownHeir(req, tx), versionOf(req) ?? 0, heirInput(req, true), todayInNtt()));
    }),
  });
  route(app, {
    method: 'POST', url: '/claims/:id/heirs/:heirId/delete', summary: 'Remove an heir (form)', tags: ['web'], web: true, access: register, schema: { params: heirParams },
    handler: async (req, reply) => act(req, reply, 'heir_removed', async () => {
      await scoped(req, async (tx) => removeHeir(tx, await ownHeir(req, tx), versionOf(req) ?? 0));
    }),
  });
}

