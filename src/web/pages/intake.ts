/**
 * Intake screens: upload a file or propose one person, watch the check, read every row's
 * problems, decide likely duplicates side by side, submit, approve or send back, and download
 * the report to fix and resend the rejected rows.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { route } from '../../http/route.js';
import { scoped } from '../../http/context.js';
import { html, type SafeHtml } from '../html.js';
import { page } from '../layout.js';
import { formatDateTime, formatNumber } from '../i18n.js';
import type { Lang, Message } from '../../domain/messages.js';
import { can } from '../../domain/roles.js';
import { alertFor as alertOf } from '../alert.js';
import { listProgrammes, type Programme } from '../../features/programmes/programmes.js';
import { listBatches, type BatchSummary } from '../../features/intake/batches.js';
import { ROW_FILTERS, type RowFilter } from '../../features/intake/rows.js';
import { FIELD_LABELS, type Field } from '../../features/intake/headers.js';
import { readUpload, sendReport, sendTemplate } from '../../features/intake/routes.js';
import * as intake from '../../features/intake/service.js';
import { MARITAL_LABELS, MARITAL_STATUSES, OCCUPATION_LABELS, OCCUPATIONS } from '../../domain/person-codes.js';

const tr = (lang: Lang, m: Message) => m[lang];

/** Programmes a user can propose to: running, and covering (or inside) the user's area. */
function openTo(programmes: Programme[], area: string | null): Programme[] {
  const related = (a: string, b: string) => a === b || a.startsWith(`${b}.`) || b.startsWith(`${a}.`);
  return programmes.filter((p) => p.status === 'active' && (area === null || related(area, p.funderAreaCode)));
}

const STATUS: Record<string, Message> = {
  queued: { id: 'Menunggu diperiksa', en: 'Waiting for the check' },
  checking: { id: 'Sedang diperiksa', en: 'Being checked' },
  checked: { id: 'Sudah diperiksa — belum diajukan', en: 'Checked — not yet submitted' },
  failed: { id: 'Gagal dibaca', en: 'Could not be read' },
  cancelled: { id: 'Dibatalkan', en: 'Cancelled' },
  submitted: { id: 'Diajukan ke verifikator', en: 'Submitted to the verifier' },
  returned: { id: 'Dikembalikan untuk diperbaiki', en: 'Sent back for corrections' },
  approved: { id: 'Disetujui', en: 'Approved' },
};
const ROW_STATUS: Record<string, Message> = {
  error: { id: 'Salah', en: 'Error' }, duplicate: { id: 'Duplikat', en: 'Duplicate' }, review: { id: 'Cek duplikat', en: 'Duplicate check' },
  ineligible: { id: 'Tidak memenuhi syarat', en: 'Not eligible' }, eligible: { id: 'Memenuhi syarat', en: 'Eligible' },
};
const FILTER: Record<RowFilter, Message> = {
  all: { id: 'Semua', en: 'All' }, problems: { id: 'Bermasalah', en: 'With problems' }, error: { id: 'Salah', en: 'Errors' },
  duplicate: { id: 'Duplikat', en: 'Duplicates' }, review: { id: 'Cek duplikat', en: 'Duplicate check' }, ineligible: { id: 'Tidak memenuhi syarat', en: 'Not eligible' },
  eligible: { id: 'Memenuhi syarat', en: 'Eligible' }, waiting: { id: 'Daftar tunggu', en: 'Waiting list' },
};
const PHASE: Record<string, Message> = {
  queued: { id: 'antre', en: 'queued' }, reading: { id: 'membaca baris', en: 'reading rows' }, matching: { id: 'mencocokkan NIK', en: 'matching NIKs' },
  fuzzy: { id: 'mencari kemungkinan duplikat', en: 'looking for likely duplicates' }, ranking: { id: 'syarat dan kuota', en: 'eligibility and quota' },
  done: { id: 'selesai', en: 'done' }, finished: { id: 'selesai', en: 'finished' },
};

function csrfField(req: FastifyRequest): SafeHtml {
  return html`<input type="hidden" name="_csrf" value="${req.session!.csrfToken}">`;
}

async function listPage(req: FastifyRequest, reply: FastifyReply, message: SafeHtml | null = null, status = 200) {
  const lang = req.lang;
  const user = req.session!.user;
  const { programmes, batches } = await scoped(req, async (tx) => ({ programmes: await listProgrammes(tx), batches: await listBatches(tx) }));
  const open = openTo(programmes, user.areaCode);
  const chosen = String((req.query as { programme?: string }).programme ?? '');
  return page(req, reply, {
    title: tr(lang, { id: 'Usulan peserta', en: 'Proposals' }),
    status,
    body: html`${message ?? ''}
${can(user.role, 'intake.submit') ? html`<section aria-labelledby="upload-h"><h2 id="upload-h">${tr(lang, { id: 'Unggah daftar usulan', en: 'Upload a list of proposals' })}</h2>
<p>${tr(lang, { id: 'Berkas CSV (pemisah , atau ;) atau XLSX. Gunakan templat agar kolom terbaca dengan benar.', en: 'A CSV (separated by , or ;) or XLSX file. Use the template so the columns are read correctly.' })}
 <a href="/intake/template.xlsx" download>${tr(lang, { id: 'Unduh templat XLSX', en: 'Download the XLSX template' })}</a></p>
<form method="post" action="/intake/upload?_csrf=${encodeURIComponent(req.session!.csrfToken)}" enctype="multipart/form-data" class="stack-form">
  <div><label for="programme">${tr(lang, { id: 'Program', en: 'Programme' })}</label><select id="programme" name="programme" required>${open.map((p) => html`<option value="${p.code}"${p.code === chosen ? html` selected` : ''}>${p.code} — ${p.name}</option>`)}</select></div>
  <div><label for="file">${tr(lang, { id: 'Berkas', en: 'File' })}</label><input id="file" name="file" type="file" accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" required></div>
  <div><label><input type="checkbox" name="force" value="1"> ${tr(lang, { id: 'Impor ulang walau berkas yang sama sudah pernah diimpor', en: 'Import again even if the same file was imported before' })}</label></div>
  <div><button type="submit">${tr(lang, { id: 'Unggah dan periksa', en: 'Upload and check' })}</button></div>
</form>
<p><a href="/intake/form">${tr(lang, { id: 'Atau usulkan satu orang lewat formulir', en: 'Or propose one person with a form' })}</a></p></section>` : ''}
<section aria-labelledby="batches-h"><h2 id="batches-h">${tr(lang, { id: 'Batch terakhir', en: 'Recent batches' })}</h2>
${batches.length === 0 ? html`<p role="status">${tr(lang, { id: 'Belum ada batch.', en: 'No batches yet.' })}</p>` : html`<div class="table-wrap"><table class="stack">
<thead><tr><th scope="col">#</th><th scope="col">${tr(lang, { id: 'Program', en: 'Programme' })}</th><th scope="col">${tr(lang, { id: 'Wilayah', en: 'Area' })}</th><th scope="col">${tr(lang, { id: 'Berkas', en: 'File' })}</th><th scope="col">${tr(lang, { id: 'Status', en: 'Status' })}</th><th scope="col">${tr(lang, { id: 'Baris', en: 'Rows' })}</th><th scope="col">${tr(lang, { id: 'Memenuhi syarat', en: 'Eligible' })}</th></tr></thead>
<tbody>${batches.map((b) => html`<tr>
  <td data-label="#"><a href="/intake/${b.id}">#${b.id}</a></td>
  <td data-label="${tr(lang, { id: 'Program', en: 'Programme' })}">${b.programmeCode}</td>
  <td data-label="${tr(lang, { id: 'Wilayah', en: 'Area' })}">${b.areaName}</td>
  <td data-label="${tr(lang, { id: 'Berkas', en: 'File' })}">${b.fileName ?? tr(lang, { id: 'formulir', en: 'form' })}</td>
  <td data-label="${tr(lang, { id: 'Status', en: 'Status' })}">${tr(lang, STATUS[b.status]!)}</td>
  <td data-label="${tr(lang, { id: 'Baris', en: 'Rows' })}" class="num">${b.counts ? formatNumber(b.counts.rows, lang) : '—'}</td>
  <td data-label="${tr(lang, { id: 'Memenuhi syarat', en: 'Eligible' })}" class="num">${b.counts ? formatNumber(b.counts.eligible, lang) : '—'}</td>
</tr>`)}</tbody></table></div>`}
</section>`,
  });
}

function alertFor(lang: Lang, e: unknown): SafeHtml | null {
  return alertOf(lang, e, (u) => (typeof u.extra.batchId === 'number' ? html` <a href="/intake/${u.extra.batchId}">${tr(lang, { id: 'Buka batch itu', en: 'Open that batch' })}</a>` : html``));
}

function countsBlock(lang: Lang, b: BatchSummary): SafeHtml {
  const c = b.counts;
  if (!c) return html``;
  const item = (label: Message, n: number, filter: RowFilter) => html`<li><a href="/intake/${b.id}?filter=${filter}"><strong>${formatNumber(n, lang)}</strong> ${tr(lang, label)}</a></li>`;
  return html`<ul class="counts" aria-label="${tr(lang, { id: 'Ringkasan', en: 'Summary' })}">
  ${item({ id: 'baris', en: 'rows' }, c.rows, 'all')}
  ${item({ id: 'salah (perlu diperbaiki)', en: 'with errors (to fix)' }, c.invalid, 'error')}
  ${item({ id: 'dengan peringatan', en: 'with warnings' }, c.warnings, 'problems')}
  ${item({ id: 'duplikat NIK', en: 'exact duplicates' }, c.exactDuplicates, 'duplicate')}
  ${item({ id: 'kemungkinan duplikat', en: 'likely duplicates' }, c.fuzzyDuplicates, 'review')}
  ${item({ id: 'tidak memenuhi syarat', en: 'not eligible' }, c.ineligible, 'ineligible')}
  ${item({ id: 'memenuhi syarat', en: 'eligible' }, c.eligible, 'eligible')}
  ${item({ id: 'dalam kuota', en: 'within quota' }, c.withinQuota, 'eligible')}
  ${item({ id: 'daftar tunggu', en: 'waiting list' }, c.waiting, 'waiting')}
</ul>`;
}

async function batchPage(req: FastifyRequest, reply: FastifyReply, id: number, message: SafeHtml | null = null, status = 200) {
  const lang = req.lang;
  const user = req.session!.user;
  const q = req.query as { filter?: string; page?: string };
  const filter: RowFilter = ROW_FILTERS.includes(q.filter as RowFilter) ? (q.filter as RowFilter) : 'problems';
  const pageNo = Math.max(1, Math.min(100000, Number(q.page) || 1));
  const b = await intake.batchOf(req, id);
  const running = b.status === 'queued' || b.status === 'checking';
  const checked = !running && b.status !== 'failed' && b.status !== 'cancelled';
  const [rows, reviews] = checked
    ? await Promise.all([intake.batchRows(req, id, filter, pageNo), can(user.role, 'intake.read') ? intake.batchReviews(req, id) : Promise.resolve([])])
    : [null, []];
  const mine = b.createdBy === user.userId;
  const csrf = csrfField(req);
  const pct = b.job && b.job.total ? Math.round((b.job.done / b.job.total) * 100) : null;
  const canDecide = can(user.role, 'intake.approve') && !mine && (b.status === 'checked' || b.status === 'submitted');
  const body = html`${running ? html`<meta http-equiv="refresh" content="2">` : ''}${message ?? ''}
<dl class="facts">
  <dt>${tr(lang, { id: 'Status', en: 'Status' })}</dt><dd id="batch-status">${tr(lang, STATUS[b.status]!)}</dd>
  <dt>${tr(lang, { id: 'Program', en: 'Programme' })}</dt><dd><a href="/programmes/${b.programmeCode}">${b.programmeCode}</a></dd>
  <dt>${tr(lang, { id: 'Wilayah', en: 'Area' })}</dt><dd>${b.areaName} (${b.areaCode})</dd>
  <dt>${tr(lang, { id: 'Berkas', en: 'File' })}</dt><dd>${b.fileName ?? tr(lang, { id: 'formulir satu orang', en: 'one-person form' })}${b.format ? ` (${b.format.toUpperCase()}${b.sheet ? `, sheet ${b.sheet}` : ''})` : ''}</dd>
  <dt>${tr(lang, { id: 'Diunggah', en: 'Uploaded' })}</dt><dd>${b.createdByLabel}, ${formatDateTime(new Date(b.createdAt), lang)}</dd>
  ${b.decidedByLabel ? html`<dt>${tr(lang, { id: 'Keputusan', en: 'Decision' })}</dt><dd>${b.decidedByLabel}, ${formatDateTime(new Date(b.decidedAt!), lang)}${b.decisionNote ? html` — <q>${b.decisionNote}</q>` : ''}</dd>` : ''}
</dl>
${running ? html`<p role="status">${tr(lang, { id: 'Sedang diperiksa', en: 'Checking' })}: ${tr(lang, PHASE[b.job?.phase ?? 'queued'] ?? PHASE.queued!)}${b.job ? ` — ${formatNumber(b.job.done, lang)} ${tr(lang, { id: 'baris', en: 'rows' })}` : ''}</p>
  <progress id="check-progress" max="100"${pct !== null ? html` value="${pct}"` : ''}>${pct ?? ''}%</progress>
  <form method="post" action="/intake/${b.id}/cancel" class="inline">${csrf}<button type="submit">${tr(lang, { id: 'Batalkan pemeriksaan', en: 'Cancel the check' })}</button></form>` : ''}
${b.error ? html`<div class="alert" role="alert"><ul>${b.error.map((p) => html`<li>${p[lang]}</li>`)}</ul></div>` : ''}
${b.fileProblems.length ? html`<div class="notice"><ul>${b.fileProblems.map((p) => html`<li>${p[lang]}</li>`)}</ul></div>` : ''}
${countsBlock(lang, b)}
${checked ? html`<p><a href="/intake/${b.id}/report.xlsx" download>${tr(lang, { id: 'Unduh laporan (XLSX): baris asli + status + alasan, untuk diperbaiki dan dikirim ulang', en: 'Download the report (XLSX): original rows + status + reason, to fix and resend' })}</a></p>` : ''}
${actions(req, b, mine)}
${reviews.length ? html`<section aria-labelledby="reviews-h"><h2 id="reviews-h">${tr(lang, { id: 'Kemungkinan duplikat', en: 'Likely duplicates' })}</h2>
${reviews.map((r) => html`<article class="review" id="review-${r.id}">
  <h3>${tr(lang, { id: 'Baris', en: 'Row' })} ${r.rowNo} · ${tr(lang, { id: 'skor', en: 'score' })} ${r.score.toFixed(2)}${r.decision ? html` · <strong>${r.decision === 'same' ? tr(lang, { id: 'orang yang sama', en: 'same person' }) : tr(lang, { id: 'orang berbeda', en: 'different people' })}</strong> (${r.decidedByLabel})` : ''}</h3>
  <table class="side-by-side"><thead><tr><th scope="col"></th><th scope="col">${tr(lang, { id: 'Usulan', en: 'Proposal' })} (${r.row.source})</th><th scope="col">${tr(lang, { id: 'Data lain', en: 'Other record' })} (${r.other.source})</th></tr></thead>
  <tbody>
    <tr><th scope="row">NIK</th><td><code>${r.row.nik}</code></td><td><code>${r.other.nik}</code></td></tr>
    <tr><th scope="row">${tr(lang, { id: 'Nama', en: 'Name' })}</th><td>${r.row.fullName}</td><td>${r.other.fullName}</td></tr>
    <tr><th scope="row">${tr(lang, { id: 'Tanggal lahir', en: 'Birth date' })}</th><td>${r.row.birthDate}</td><td>${r.other.birthDate}</td></tr>
    <tr><th scope="row">${tr(lang, { id: 'Jenis kelamin', en: 'Sex' })}</th><td>${r.row.sex}</td><td>${r.other.sex}</td></tr>
    <tr><th scope="row">${tr(lang, { id: 'Desa', en: 'Village' })}</th><td>${r.row.village}</td><td>${r.other.village}</td></tr>
  </tbody></table>
  <ul class="evidence">${r.evidence.slice(0, 6).map((e) => html`<li class="${e.weight >= 0 ? 'for' : 'against'}">${e[lang]}</li>`)}</ul>
  ${canDecide && !r.decision ? html`<form method="post" action="/intake/${b.id}/reviews/${r.id}" class="inline">${csrf}
    <button type="submit" name="decision" value="same">${tr(lang, { id: 'Orang yang sama', en: 'Same person' })}</button>
    <button type="submit" name="decision" value="different">${tr(lang, { id: 'Orang berbeda', en: 'Different people' })}</button></form>` : ''}
</article>`)}</section>` : ''}
${rows ? html`<section aria-labelledby="rows-h"><h2 id="rows-h">${tr(lang, { id: 'Baris', en: 'Rows' })}</h2>
<nav class="tabs" aria-label="${tr(lang, { id: 'Saring baris', en: 'Filter rows' })}">${ROW_FILTERS.map((f) => html`<a href="/intake/${b.id}?filter=${f}"${f === filter ? html` aria-current="page"` : ''}>${tr(lang, FILTER[f])}</a> `)}</nav>
${rows.rows.length === 0 ? html`<p role="status">${tr(lang, { id: 'Tidak ada baris pada saringan ini.', en: 'No rows in this filter.' })}</p>` : html`<div class="table-wrap"><table class="stack" id="rows-table">
<thead><tr><th scope="col">${tr(lang, { id: 'Baris', en: 'Row' })}</th><th scope="col">${tr(lang, { id: 'Status', en: 'Status' })}</th><th scope="col">${tr(lang, { id: 'Nama', en: 'Name' })}</th><th scope="col">NIK</th><th scope="col">${tr(lang, { id: 'Desa', en: 'Village' })}</th><th scope="col">${tr(lang, { id: 'Masalah dan cara memperbaiki', en: 'Problems and how to fix them' })}</th></tr></thead>
<tbody>${rows.rows.map((r) => html`<tr id="row-${r.rowNo}">
  <td data-label="${tr(lang, { id: 'Baris', en: 'Row' })}">${r.rowNo}</td>
  <td data-label="${tr(lang, { id: 'Status', en: 'Status' })}"><span class="badge status-${r.status}">${tr(lang, ROW_STATUS[r.status] ?? { id: r.status, en: r.status })}</span>${(r.status === 'eligible' || r.status === 'review') && r.withinQuota === false ? html` <span class="badge">${tr(lang, { id: 'daftar tunggu', en: 'waiting list' })} #${r.rank}</span>` : ''}</td>
  <td data-label="${tr(lang, { id: 'Nama', en: 'Name' })}">${r.fullName ?? '—'}</td>
  <td data-label="NIK"><code>${r.nik ?? '—'}</code></td>
  <td data-label="${tr(lang, { id: 'Desa', en: 'Village' })}">${r.villageName ?? '—'}</td>
  <td data-label="${tr(lang, { id: 'Masalah', en: 'Problems' })}">${r.problems.length ? html`<ul class="problems">${r.problems.map((p) => html`<li class="${p.severity}">${p.column ? html`<strong>${p.column}:</strong> ` : ''}${p[lang]}${p.suggestions?.length ? html` <span class="muted">(${tr(lang, { id: 'mungkin', en: 'perhaps' })}: ${p.suggestions.map((s) => `${s.label} ${s.code}`).join('; ')})</span>` : ''}</li>`)}</ul>` : '—'}</td>
</tr>`)}</tbody></table></div>
<nav class="pager">${pageNo > 1 ? html`<a href="/intake/${b.id}?filter=${filter}&page=${pageNo - 1}">‹ ${tr(lang, { id: 'Sebelumnya', en: 'Previous' })}</a>` : ''} ${tr(lang, { id: 'Halaman', en: 'Page' })} ${pageNo} ${rows.more ? html`<a href="/intake/${b.id}?filter=${filter}&page=${pageNo + 1}">${tr(lang, { id: 'Berikutnya', en: 'Next' })} ›</a>` : ''}</nav>`}
</section>` : ''}
<p><a href="/intake">‹ ${tr(lang, { id: 'Semua usulan', en: 'All proposals' })}</a></p>`;
  return page(req, reply, { title: `${tr(lang, { id: 'Batch', en: 'Batch' })} #${b.id}`, body, status });
}

function actions(req: FastifyRequest, b: BatchSummary, mine: boolean): SafeHtml {
  const lang = req.lang;
  const role = req.session!.user.role;
  const csrf = csrfField(req);
  const out: SafeHtml[] = [];
  if (b.status === 'checked' && can(role, 'intake.submit')) {
    out.push(html`<form method="post" action="/intake/${b.id}/submit" class="inline">${csrf}<button type="submit">${tr(lang, { id: 'Ajukan ke verifikator', en: 'Submit to the verifier' })}</button></form>`);
  }
  if (b.status === 'submitted' && can(role, 'intake.approve')) {
    if (mine) out.push(html`<p class="muted">${tr(lang, { id: 'Batch ini Anda unggah sendiri; keputusan diambil pengguna lain.', en: 'You uploaded this batch; another user decides it.' })}</p>`);
    else {
      out.push(html`<form method="post" action="/intake/${b.id}/approve" class="stack-form">${csrf}
  <div><label for="approve-note">${tr(lang, { id: 'Catatan (boleh kosong)', en: 'Note (optional)' })}</label><input id="approve-note" name="note" maxlength="1000"></div>
  <div><button type="submit">${tr(lang, { id: 'Setujui baris yang memenuhi syarat', en: 'Approve the eligible rows' })}${b.openReviews ? ` (${b.openReviews} ${tr(lang, { id: 'duplikat belum diputuskan', en: 'duplicates undecided' })})` : ''}</button></div></form>
<form method="post" action="/intake/${b.id}/return" class="stack-form">${csrf}
  <div><label for="return-note">${tr(lang, { id: 'Alasan pengembalian', en: 'Why it goes back' })}</label><input id="return-note" name="note" required maxlength="1000"></div>
  <div><button type="submit">${tr(lang, { id: 'Kembalikan ke pengusul', en: 'Send back to the maker' })}</button></div></form>`);
    }
  }
  return html`${out}`;
}

async function formPage(req: FastifyRequest, reply: FastifyReply, values: Partial<Record<Field, string>> = {}, message: SafeHtml | null = null, status = 200) {
  const lang = req.lang;
  const programmes = openTo(await scoped(req, (tx) => listProgrammes(tx)), req.session!.user.areaCode);
  const input = (f: Field, attrs: SafeHtml = html``) => html`<div><label for="f-${f}">${FIELD_LABELS[f][lang]}</label><input id="f-${f}" name="${f}" value="${values[f] ?? ''}" ${attrs}></div>`;
  return page(req, reply, {
    title: tr(lang, { id: 'Usulkan satu orang', en: 'Propose one person' }),
    status,
    body: html`${message ?? ''}<p>${tr(lang, { id: 'Isian diperiksa dengan aturan yang sama seperti berkas.', en: 'The entry is checked with the same rules as a file.' })}</p>
<form method="post" action="/intake/form" class="stack-form">${csrfField(req)}
  <div><label for="f-programme">${tr(lang, { id: 'Program', en: 'Programme' })}</label><select id="f-programme" name="programme">${programmes.map((p) => html`<option value="${p.code}">${p.code} — ${p.name}</option>`)}</select></div>
  ${input('nik', html`inputmode="numeric" required maxlength="20"`)}
  ${input('kk', html`inputmode="numeric" maxlength="20"`)}
  ${input('full_name', html`required maxlength="100"`)}
  ${input('birth_place', html`maxlength="60"`)}
  ${input('birth_date', html`required placeholder="dd/mm/yyyy"`)}
  <div><label for="f-sex">${FIELD_LABELS.sex[lang]}</label><select id="f-sex" name="sex"><option value="L">${tr(lang, { id: 'Laki-laki', en: 'Male' })}</option><option value="P"${values.sex === 'P' ? html` selected` : ''}>${tr(lang, { id: 'Perempuan', en: 'Female' })}</option></select></div>
  <div><label for="f-marital_status">${FIELD_LABELS.marital_status[lang]}</label><select id="f-marital_status" name="marital_status"><option value=""></option>${MARITAL_STATUSES.map((m) => html`<option value="${m}"${values.marital_status === m ? html` selected` : ''}>${MARITAL_LABELS[m][lang]}</option>`)}</select></div>
  ${input('address', html`maxlength="200"`)}
  ${input('area_code', html`required placeholder="53.01.01.2001" maxlength="13"`)}
  ${input('phone', html`inputmode="tel" maxlength="20"`)}
  <div><label for="f-occupation">${FIELD_LABELS.occupation[lang]}</label><select id="f-occupation" name="occupation"><option value=""></option>${OCCUPATIONS.map((o) => html`<option value="${o}"${values.occupation === o ? html` selected` : ''}>${OCCUPATION_LABELS[o][lang]}</option>`)}</select></div>
  ${input('dtsen_decile', html`inputmode="numeric" maxlength="2"`)}
  <div><label for="f-extreme_poor">${FIELD_LABELS.extreme_poor[lang]}</label><select id="f-extreme_poor" name="extreme_poor"><option value="Tidak">${tr(lang, { id: 'Tidak', en: 'No' })}</option><option value="Ya"${values.extreme_poor === 'Ya' ? html` selected` : ''}>${tr(lang, { id: 'Ya', en: 'Yes' })}</option></select></div>
  <div><label for="f-disability">${FIELD_LABELS.disability[lang]}</label><select id="f-disability" name="disability"><option value="Tidak">${tr(lang, { id: 'Tidak', en: 'No' })}</option><option value="Ya"${values.disability === 'Ya' ? html` selected` : ''}>${tr(lang, { id: 'Ya', en: 'Yes' })}</option></select></div>
  ${input('mother_name', html`maxlength="100"`)}
  ${input('bank_account', html`inputmode="numeric" maxlength="30"`)}
  <div><button type="submit">${tr(lang, { id: 'Periksa dan simpan', en: 'Check and save' })}</button></div>
</form>`,
  });
}

export function intakePages(app: FastifyInstance): void {
  const read = { kind: 'permission', permission: 'intake.read' } as const;
  const submitAccess = { kind: 'permission', permission: 'intake.submit' } as const;
  const approveAccess = { kind: 'permission', permission: 'intake.approve' } as const;
  const idOf = (req: FastifyRequest) => Number((req.params as { id: string }).id);
  /** Runs a change, then shows the batch page with the result or the reason it was refused. */
  const act = async (req: FastifyRequest, reply: FastifyReply, fn: () => Promise<unknown>, done: Message) => {
    try {
      await fn();
      return batchPage(req, reply, idOf(req), html`<div class="notice" role="status">${tr(req.lang, done)}</div>`);
    } catch (e) {
      const alert = alertFor(req.lang, e);
      if (!alert) throw e;
      return batchPage(req, reply, idOf(req), alert, 422);
    }
  };

  route(app, { method: 'GET', url: '/intake', summary: 'Proposals', tags: ['web'], web: true, access: read, handler: async (req, reply) => listPage(req, reply) });
  route(app, {
    method: 'POST', url: '/intake/upload', summary: 'Upload a proposal file', tags: ['web'], web: true, access: submitAccess,
    handler: async (req, reply) => {
      try {
        const id = await readUpload(req);
        return reply.redirect(`/intake/${id}`, 303);
      } catch (e) {
        const alert = alertFor(req.lang, e);
        if (!alert) throw e;
        return listPage(req, reply, alert, 422);
      }
    },
  });
  route(app, { method: 'GET', url: '/intake/template.xlsx', summary: 'Template', tags: ['web'], web: true, access: submitAccess, handler: async (_req, reply) => sendTemplate(reply) });
  route(app, { method: 'GET', url: '/intake/form', summary: 'One-person form', tags: ['web'], web: true, access: submitAccess, handler: async (req, reply) => formPage(req, reply) });
  route(app, {
    method: 'POST', url: '/intake/form', summary: 'Propose one person', tags: ['web'], web: true, access: submitAccess,
    handler: async (req, reply) => {
      const body = req.body as Record<string, string>;
      const values: Partial<Record<Field, string>> = {};
      for (const f of intake.FORM_FIELDS) if (typeof body[f] === 'string') values[f] = body[f].slice(0, 300);
      try {
        const id = await intake.submitForm(req, String(body.programme ?? ''), values);
        return reply.redirect(`/intake/${id}`, 303);
      } catch (e) {
        const alert = alertFor(req.lang, e);
        if (!alert) throw e;
        return formPage(req, reply, values, alert, 422);
      }
    },
  });
  route(app, { method: 'GET', url: '/intake/:id', summary: 'A batch', tags: ['web'], web: true, access: read, handler: async (req, reply) => batchPage(req, reply, idOf(req)) });
  route(app, { method: 'GET', url: '/intake/:id/report.xlsx', summary: 'Batch report', tags: ['web'], web: true, access: read, handler: async (req, reply) => sendReport(req, reply, idOf(req)) });
  route(app, {
    method: 'POST', url: '/intake/:id/submit', summary: 'Submit', tags: ['web'], web: true, access: submitAccess,
    handler: async (req, reply) => act(req, reply, () => intake.submit(req, idOf(req)), { id: 'Batch diajukan ke verifikator.', en: 'Batch submitted to the verifier.' }),
  });
  route(app, {
    method: 'POST', url: '/intake/:id/approve', summary: 'Approve', tags: ['web'], web: true, access: approveAccess,
    handler: async (req, reply) => act(req, reply, () => intake.approve(req, idOf(req), String((req.body as { note?: string }).note ?? '') || null), { id: 'Batch disetujui: peserta masuk daftar calon program.', en: 'Batch approved: the people are now candidates of the programme.' }),
  });
  route(app, {
    method: 'POST', url: '/intake/:id/return', summary: 'Send back', tags: ['web'], web: true, access: approveAccess,
    handler: async (req, reply) => act(req, reply, () => intake.sendBack(req, idOf(req), String((req.body as { note?: string }).note ?? '')), { id: 'Batch dikembalikan ke pengusul.', en: 'Batch sent back to the maker.' }),
  });
  route(app, {
    method: 'POST', url: '/intake/:id/cancel', summary: 'Cancel the check', tags: ['web'], web: true, access: submitAccess,
    handler: async (req, reply) => act(req, reply, () => intake.cancel(req, idOf(req)), { id: 'Pemeriksaan dibatalkan.', en: 'The check was cancelled.' }),
  });
  route(app, {
    method: 'POST', url: '/intake/:id/reviews/:reviewId', summary: 'Decide a likely duplicate', tags: ['web'], web: true, access: approveAccess,
    handler: async (req, reply) => {
      const reviewId = Number((req.params as { reviewId: string }).reviewId);
      const decision = (req.body as { decision?: string }).decision === 'same' ? 'same' : 'different';
      return act(req, reply, () => intake.decide(req, idOf(req), reviewId, decision), { id: 'Keputusan disimpan.', en: 'Decision saved.' });
    },
  });
}
