/** Programmes and their quotas per regency: how each regency's quota is filling. */
import type { FastifyInstance } from 'fastify';
import { route } from '../../http/route.js';
import { scoped } from '../../http/context.js';
import { html } from '../html.js';
import { page } from '../layout.js';
import { formatDate, formatDateTime, formatNumber, formatRupiah } from '../i18n.js';
import type { Lang, Message } from '../../domain/messages.js';
import { can } from '../../domain/roles.js';
import { getProgramme, listProgrammes } from '../../features/programmes/programmes.js';
import { allocateProgrammeQuota, overrideQuota, quotaHistory, quotaStatus } from '../../features/programmes/quotas.js';
import { UserError } from '../../domain/user-error.js';
import { QuotaError } from '../../domain/quota.js';
import { DEMO_INDICATOR } from '../../features/programmes/demo-programmes.js';
import { budgetOf, listBills } from '../../features/enrollment/billing.js';
import { todayInNtt } from '../../clock.js';

const tr = (lang: Lang, m: Message) => m[lang];
const STATUS: Record<string, Message> = { draft: { id: 'Draf', en: 'Draft' }, active: { id: 'Berjalan', en: 'Running' }, closed: { id: 'Ditutup', en: 'Closed' } };
const FUNDER: Record<string, Message> = {
  province: { id: 'Provinsi', en: 'Province' }, regency: { id: 'Kabupaten/Kota', en: 'Regency' }, village: { id: 'Desa', en: 'Village' }, company: { id: 'Perusahaan', en: 'Company' },
};

export function programmePages(app: FastifyInstance): void {
  route(app, {
    method: 'GET', url: '/programmes', summary: 'Programmes', tags: ['web'], web: true, access: { kind: 'signed_in' },
    handler: async (req, reply) => {
      const lang = req.lang;
      const items = await scoped(req, (tx) => listProgrammes(tx));
      return page(req, reply, {
        title: tr(lang, { id: 'Program', en: 'Programmes' }),
        body: html`<ul class="cards">${items.map((p) => html`<li class="card">
  <h2><a href="/programmes/${p.code}">${p.code}</a> <span class="badge">${tr(lang, STATUS[p.status]!)}</span></h2>
  <p>${p.name}</p>
  <p class="muted">${tr(lang, FUNDER[p.funderType]!)}: ${p.funderName} · ${formatDate(p.coverageStart, lang)} – ${formatDate(p.coverageEnd, lang)} · ${tr(lang, { id: 'Kuota', en: 'Quota' })} ${formatNumber(p.totalQuota, lang)}</p>
</li>`)}</ul>`,
      });
    },
  });

  const show = async (req: Parameters<typeof scoped>[0], reply: import('fastify').FastifyReply, code: string, message: { ok: boolean; text: string } | null, status = 200) => {
    const lang = req.lang;
    const user = req.session!.user;
    const { p, quotas, changes, budget, bills } = await scoped(req, async (tx) => {
      const p = await getProgramme(tx, code);
      return {
        p,
        quotas: await quotaStatus(tx, p.id),
        changes: await quotaHistory(tx, p.id, 20),
        budget: await budgetOf(tx, p, todayInNtt()),
        bills: can(user.role, 'billing.manage') ? await listBills(tx, p) : [],
      };
    });
    const sum = (k: 'quota' | 'proposed' | 'approved' | 'waiting' | 'free') => quotas.reduce((s, q) => s + q[k], 0);
    const manage = can(user.role, 'programmes.manage');
    const csrf = html`<input type="hidden" name="_csrf" value="${req.session!.csrfToken}">`;
    return page(req, reply, {
      title: `${p.code} — ${p.name}`,
      status,
      body: html`${message ? html`<div class="${message.ok ? 'notice' : 'alert'}" role="${message.ok ? 'status' : 'alert'}">${message.text}</div>` : ''}
<dl class="facts">
  <dt>${tr(lang, { id: 'Dasar hukum', en: 'Legal basis' })}</dt><dd>${p.legalBasis ?? '—'}</dd>
  <dt>${tr(lang, { id: 'Pendana', en: 'Funder' })}</dt><dd>${p.funderName} (${tr(lang, FUNDER[p.funderType]!)}, ${p.funderAreaCode})</dd>
  <dt>${tr(lang, { id: 'Mata anggaran', en: 'Budget line' })}</dt><dd>${p.budgetLine ?? '—'}</dd>
  <dt>${tr(lang, { id: 'Masa perlindungan', en: 'Coverage' })}</dt><dd>${formatDate(p.coverageStart, lang)} – ${formatDate(p.coverageEnd, lang)} (${tr(lang, { id: 'tahun anggaran', en: 'fiscal year' })} ${p.fiscalYear})</dd>
  <dt>${tr(lang, { id: 'Program jaminan', en: 'Benefits' })}</dt><dd>${p.benefits.join(' + ')}; ${tr(lang, { id: 'upah dilaporkan', en: 'declared income' })} ${formatRupiah(p.declaredIncome)}</dd>
  <dt>${tr(lang, { id: 'Status', en: 'Status' })}</dt><dd>${tr(lang, STATUS[p.status]!)}</dd>
  <dt>${tr(lang, { id: 'Syarat', en: 'Rules' })}</dt><dd>${rulesText(p.rules, lang)}</dd>
</dl>
<nav aria-label="${tr(lang, { id: 'Pekerjaan program ini', en: 'Work on this programme' })}"><ul class="actions" id="programme-work">
  <!-- One link per enrollment screen; each feature adds its own line here. -->
  ${can(user.role, 'enrollment.read') ? html`<li><a href="/programmes/${p.code}/submissions">${tr(lang, { id: 'Pengajuan ke BPJS', en: 'Submissions to BPJS' })}</a></li>` : ''}
  ${can(user.role, 'billing.manage') ? html`<li><a href="/programmes/${p.code}/bills">${tr(lang, { id: 'Tagihan dan pembayaran', en: 'Bills and payments' })}</a></li>` : ''}
  ${can(user.role, 'cards.print') ? html`<li><a href="/programmes/${p.code}/cards">${tr(lang, { id: 'Kartu peserta', en: 'Member cards' })}</a></li>` : ''}
  ${can(user.role, 'billing.manage') ? html`<li><a href="/programmes/${p.code}/invoices">${tr(lang, { id: 'Tagihan BPJS dan rekonsiliasi', en: 'BPJS invoices and reconciliation' })}</a></li>` : ''}
  <li><a href="/programmes/${p.code}/report">${tr(lang, { id: 'Ringkasan per kabupaten/kota (XLSX, PDF)', en: 'Summary per regency (XLSX, PDF)' })}</a></li>
  <li><a href="/programmes/${p.code}/members">${tr(lang, { id: 'Peserta: non-aktif, berhenti, pengganti', en: 'Members: lapses, ends, replacements' })}</a></li>
  <li><a href="/programmes/${p.code}/budget">${tr(lang, { id: 'Anggaran, perkiraan dan skenario', en: 'Budget, forecast and scenarios' })}</a></li>
  <li><a href="/claims/rules">${tr(lang, { id: 'Aturan santunan klaim dan hari libur', en: 'Claim benefit rules and public holidays' })}</a></li>
</ul></nav>
<h2>${tr(lang, { id: 'Anggaran', en: 'Budget' })}</h2>
<dl class="facts" id="budget">
  <dt>${tr(lang, { id: 'Kebutuhan', en: 'Cost' })}</dt><dd>${formatNumber(budget.quota, lang)} × ${budget.months} ${tr(lang, { id: 'bulan', en: 'months' })} × ${formatRupiah(budget.perPersonPerMonth)} = <strong>${formatRupiah(budget.total)}</strong></dd>
  <dt>${tr(lang, { id: 'Pagu', en: 'Allocation' })}</dt><dd>${budget.allocation === null ? '—' : formatRupiah(budget.allocation)}</dd>
  <dt>${tr(lang, { id: 'Ditagih / dibayar', en: 'Billed / paid' })}</dt><dd>${formatRupiah(budget.billed)} / ${formatRupiah(budget.paid)}</dd>
  <dt>${tr(lang, { id: 'Peserta', en: 'Members' })}</dt><dd>${formatNumber(budget.members.candidates, lang)} ${tr(lang, { id: 'calon', en: 'candidates' })}, ${formatNumber(budget.members.submitted, lang)} ${tr(lang, { id: 'diajukan', en: 'submitted' })}, ${formatNumber(budget.members.active, lang)} ${tr(lang, { id: 'aktif', en: 'active' })}</dd>
</dl>
${bills.length ? html`<div class="table-wrap"><table class="stack" id="bills">
<thead><tr><th scope="col">${tr(lang, { id: 'Bulan', en: 'Month' })}</th><th scope="col">${tr(lang, { id: 'Peserta', en: 'People' })}</th><th scope="col">${tr(lang, { id: 'Tagihan', en: 'Amount' })}</th><th scope="col">${tr(lang, { id: 'Dibayar', en: 'Paid' })}</th><th scope="col">${tr(lang, { id: 'Jatuh tempo', en: 'Due' })}</th></tr></thead>
<tbody>${bills.map((b) => html`<tr><td data-label="${tr(lang, { id: 'Bulan', en: 'Month' })}">${b.month}</td><td data-label="${tr(lang, { id: 'Peserta', en: 'People' })}" class="num">${formatNumber(b.persons, lang)}</td><td data-label="${tr(lang, { id: 'Tagihan', en: 'Amount' })}" class="num">${formatRupiah(b.amount)}</td><td data-label="${tr(lang, { id: 'Dibayar', en: 'Paid' })}" class="num">${formatRupiah(b.paid)}</td><td data-label="${tr(lang, { id: 'Jatuh tempo', en: 'Due' })}">${formatDate(b.dueDate, lang)}</td></tr>`)}</tbody></table></div>` : ''}
<h2>${tr(lang, { id: 'Kuota per kabupaten/kota', en: 'Quota per regency' })}</h2>
<div class="table-wrap"><table class="stack" id="quota-table">
<thead><tr><th scope="col">${tr(lang, { id: 'Kabupaten/Kota', en: 'Regency' })}</th><th scope="col">${tr(lang, { id: 'Kuota', en: 'Quota' })}</th><th scope="col">${tr(lang, { id: 'Diusulkan', en: 'Proposed' })}</th><th scope="col">${tr(lang, { id: 'Disetujui', en: 'Approved' })}</th><th scope="col">${tr(lang, { id: 'Daftar tunggu', en: 'Waiting' })}</th><th scope="col">${tr(lang, { id: 'Sisa', en: 'Free' })}</th><th scope="col">${tr(lang, { id: 'Terisi', en: 'Filled' })}</th></tr></thead>
<tbody>${quotas.map((q) => html`<tr>
  <td data-label="${tr(lang, { id: 'Kabupaten/Kota', en: 'Regency' })}">${q.regencyName}${q.method === 'override' ? html` <span class="badge" title="${q.reason ?? ''}">${tr(lang, { id: 'ditetapkan', en: 'set by hand' })}</span>` : ''}</td>
  <td data-label="${tr(lang, { id: 'Kuota', en: 'Quota' })}" class="num">${formatNumber(q.quota, lang)}</td>
  <td data-label="${tr(lang, { id: 'Diusulkan', en: 'Proposed' })}" class="num">${formatNumber(q.proposed, lang)}</td>
  <td data-label="${tr(lang, { id: 'Disetujui', en: 'Approved' })}" class="num">${formatNumber(q.approved, lang)}</td>
  <td data-label="${tr(lang, { id: 'Daftar tunggu', en: 'Waiting' })}" class="num">${formatNumber(q.waiting, lang)}</td>
  <td data-label="${tr(lang, { id: 'Sisa', en: 'Free' })}" class="num">${formatNumber(q.free, lang)}</td>
  <td data-label="${tr(lang, { id: 'Terisi', en: 'Filled' })}"><meter min="0" max="${Math.max(q.quota, 1)}" value="${Math.min(q.approved, q.quota)}">${q.quota ? Math.round((q.approved / q.quota) * 100) : 0}%</meter> ${q.quota ? Math.round((q.approved / q.quota) * 100) : 0}%</td>
</tr>`)}</tbody>
<tfoot><tr><th scope="row">${tr(lang, { id: 'Jumlah', en: 'Total' })}</th><td class="num">${formatNumber(sum('quota'), lang)}</td><td class="num">${formatNumber(sum('proposed'), lang)}</td><td class="num">${formatNumber(sum('approved'), lang)}</td><td class="num">${formatNumber(sum('waiting'), lang)}</td><td class="num">${formatNumber(sum('free'), lang)}</td><td></td></tr></tfoot>
</table></div>
${manage && quotas.length ? html`<h2>${tr(lang, { id: 'Ubah kuota', en: 'Change a quota' })}</h2>
<form method="post" action="/programmes/${p.code}/quota" class="stack-form">${csrf}
  <div><label for="regency">${tr(lang, { id: 'Kabupaten/Kota', en: 'Regency' })}</label><select id="regency" name="regency">${quotas.map((q) => html`<option value="${q.regencyCode}">${q.regencyName}</option>`)}</select></div>
  <div><label for="quota">${tr(lang, { id: 'Kuota baru', en: 'New quota' })}</label><input id="quota" name="quota" inputmode="numeric" pattern="[0-9]+" required></div>
  <div><label for="reason">${tr(lang, { id: 'Alasan (mis. nomor SK)', en: 'Reason (e.g. decree number)' })}</label><input id="reason" name="reason" required maxlength="300"></div>
  <div><button type="submit">${tr(lang, { id: 'Simpan; bagi ulang sisanya', en: 'Save; divide the rest again' })}</button></div>
</form>
<form method="post" action="/programmes/${p.code}/allocate" class="inline">${csrf}<input type="hidden" name="indicator" value="${DEMO_INDICATOR}">
  <button type="submit">${tr(lang, { id: 'Bagi ulang menurut penduduk miskin (kuota yang ditetapkan tetap)', en: 'Divide again by poor population (hand-set quotas stay)' })}</button></form>` : ''}
${changes.length ? html`<h2>${tr(lang, { id: 'Riwayat perubahan kuota', en: 'Quota changes' })}</h2>
<div class="table-wrap"><table class="stack" id="quota-history">
<thead><tr><th scope="col">${tr(lang, { id: 'Waktu', en: 'When' })}</th><th scope="col">${tr(lang, { id: 'Oleh', en: 'By' })}</th><th scope="col">${tr(lang, { id: 'Kabupaten/Kota', en: 'Regency' })}</th><th scope="col">${tr(lang, { id: 'Kuota', en: 'Quota' })}</th><th scope="col">${tr(lang, { id: 'Alasan', en: 'Reason' })}</th></tr></thead>
<tbody>${changes.map((c) => html`<tr>
  <td data-label="${tr(lang, { id: 'Waktu', en: 'When' })}">${formatDateTime(new Date(c.at), lang)}</td>
  <td data-label="${tr(lang, { id: 'Oleh', en: 'By' })}">${c.actor}</td>
  <td data-label="${tr(lang, { id: 'Kabupaten/Kota', en: 'Regency' })}">${quotas.find((q) => q.regencyCode === c.regencyCode)?.regencyName ?? c.regencyCode}</td>
  <td data-label="${tr(lang, { id: 'Kuota', en: 'Quota' })}" class="num">${c.before === null ? '' : `${formatNumber(c.before, lang)} → `}${c.after === null ? '—' : formatNumber(c.after, lang)}</td>
  <td data-label="${tr(lang, { id: 'Alasan', en: 'Reason' })}">${c.method === 'override' ? c.reason : tr(lang, { id: 'dibagi menurut statistik', en: 'divided by the statistic' })}</td>
</tr>`)}</tbody></table></div>` : ''}
<p><a href="/intake?programme=${p.code}">${tr(lang, { id: 'Usulan (impor) untuk program ini', en: 'Proposals (imports) for this programme' })}</a></p>`,
    });
  };

  route(app, {
    method: 'GET', url: '/programmes/:code', summary: 'A programme and its quotas', tags: ['web'], web: true, access: { kind: 'signed_in' },
    handler: async (req, reply) => show(req, reply, (req.params as { code: string }).code, null),
  });
  const change = async (req: Parameters<typeof scoped>[0], reply: import('fastify').FastifyReply, fn: () => Promise<unknown>, done: Message) => {
    const code = (req.params as { code: string }).code;
    try {
      await fn();
      return show(req, reply, code, { ok: true, text: done[req.lang] });
    } catch (e) {
      if (e instanceof UserError) return show(req, reply, code, { ok: false, text: e.text[req.lang] }, 422);
      if (e instanceof QuotaError) return show(req, reply, code, { ok: false, text: e.text[req.lang] }, 422);
      throw e;
    }
  };
  route(app, {
    method: 'POST', url: '/programmes/:code/quota', summary: 'Set one regency quota', tags: ['web'], web: true,
    access: { kind: 'permission', permission: 'programmes.manage' },
    handler: async (req, reply) => {
      const b = req.body as { regency?: string; quota?: string; reason?: string };
      const code = (req.params as { code: string }).code;
      return change(req, reply, () => scoped(req, async (tx) => overrideQuota(tx, await getProgramme(tx, code), String(b.regency ?? ''), Number(b.quota), String(b.reason ?? ''))),
        { id: 'Kuota disimpan; sisa kuota dibagi ulang.', en: 'Quota saved; the rest was divided again.' });
    },
  });
  route(app, {
    method: 'POST', url: '/programmes/:code/allocate', summary: 'Divide the quota again', tags: ['web'], web: true,
    access: { kind: 'permission', permission: 'programmes.manage' },
    handler: async (req, reply) => {
      const code = (req.params as { code: string }).code;
      const indicator = String((req.body as { indicator?: string }).indicator ?? DEMO_INDICATOR);
      return change(req, reply, () => scoped(req, async (tx) => allocateProgrammeQuota(tx, await getProgramme(tx, code), { indicator })),
        { id: 'Kuota dibagi ulang.', en: 'Quota divided again.' });
    },
  });
}

function rulesText(r: import('../../domain/eligibility.js').EligibilityRules, lang: Lang): string {
  const parts: string[] = [];
  if (r.maxDecile !== undefined) parts.push(lang === 'id' ? `desil DTSEN ≤ ${r.maxDecile}` : `DTSEN decile ≤ ${r.maxDecile}`);
  if (r.minAge !== undefined || r.maxAge !== undefined) parts.push(lang === 'id' ? `umur ${r.minAge ?? 0}–${r.maxAge ?? '…'} tahun pada awal perlindungan` : `age ${r.minAge ?? 0}–${r.maxAge ?? '…'} at coverage start`);
  if (r.residencyArea) parts.push(lang === 'id' ? `berdomisili di wilayah ${r.residencyArea}` : `resident in ${r.residencyArea}`);
  if (r.requireInformalOccupation) parts.push(lang === 'id' ? 'pekerja informal (BPU)' : 'informal worker (BPU)');
  if (r.excludeActiveBpjs) parts.push(lang === 'id' ? 'belum peserta aktif BPJS TK' : 'not an active BPJS TK participant');
  if (r.excludeOtherActiveProgramme) parts.push(lang === 'id' ? 'tidak di program aktif lain' : 'not in another active programme');
  if (r.priorityExtremePoor) parts.push(lang === 'id' ? 'prioritas miskin ekstrem' : 'extreme poor first');
  if (r.priorityDisability) parts.push(lang === 'id' ? 'prioritas disabilitas' : 'disability first');
  return parts.join('; ') || '—';
}
