/**
 * /claims/rules: what claims are judged by — the benefit rules with the ones in force on a date
 * marked, the scholarship schedule, the SLA rule, and the public holidays of a year. A national
 * administrator (claims.rules) adds holidays (national or regional), removes them, and adds a
 * benefit rule from a date; everybody signed in can read it (it is the law, no personal data).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { route } from '../../http/route.js';
import { scoped } from '../../http/context.js';
import { html, type SafeHtml } from '../html.js';
import { page } from '../layout.js';
import { alertFor } from '../alert.js';
import { formatDate, formatRupiah } from '../i18n.js';
import { can } from '../../domain/roles.js';
import type { Lang, Message } from '../../domain/messages.js';
import { isDate } from '../../domain/billing.js';
import { parseRupiah } from '../../domain/money.js';
import { UserError } from '../../domain/user-error.js';
import { CLAIM_TYPE_LABEL, CLAIM_TYPES, SCHOOL_LEVEL_LABEL, type BenefitRule, type ClaimType } from '../../domain/entitlement.js';
import { todayInNtt } from '../../clock.js';
import { addBenefitRule, addHoliday, listBenefitRules, listHolidays, listScholarshipRules, removeHoliday } from '../../features/claims/rules.js';
import { slaRules } from '../../features/claims/rules-routes.js';

const tr = (lang: Lang, m: Message) => m[lang];
const manage = { kind: 'permission', permission: 'claims.rules' } as const;

function csrfField(req: FastifyRequest): SafeHtml {
  return html`<input type="hidden" name="_csrf" value="${req.session!.csrfToken}">`;
}

function amountText(r: BenefitRule, lang: Lang): string {
  const m = r.incomeMultiple === null ? '' : String(r.incomeMultiple).replace('.', lang === 'id' ? ',' : '.');
  switch (r.scale) {
    case 'medical_cost': return tr(lang, { id: r.amount === null ? 'sesuai tagihan, tanpa plafon' : `sesuai tagihan, plafon ${formatRupiah(r.amount)}`, en: r.amount === null ? 'the bill, no ceiling' : `the bill, capped at ${formatRupiah(r.amount)}` });
    case 'disability_percent': return tr(lang, { id: `% cacat × ${m} × upah`, en: `disability % × ${m} × income` });
    case 'incapacity_days': return tr(lang, { id: `${m} × upah × hari/30${r.laterDaysFactor === null ? '' : ` (setelah 365 hari × ${r.laterDaysFactor * 100}%)`}`, en: `${m} × income × days/30${r.laterDaysFactor === null ? '' : ` (after 365 days × ${r.laterDaysFactor * 100}%)`}` });
    default: return r.amount !== null ? formatRupiah(r.amount) : tr(lang, { id: `${m} × upah`, en: `${m} × income` });
  }
}

function monthsText(r: BenefitRule, lang: Lang): string {
  if (r.minMembershipMonths === 0 && r.maxMembershipMonths === null) return tr(lang, { id: 'tanpa syarat', en: 'none' });
  if (r.maxMembershipMonths === null) return tr(lang, { id: `≥ ${r.minMembershipMonths} bulan`, en: `≥ ${r.minMembershipMonths} months` });
  return tr(lang, { id: `${r.minMembershipMonths}–${r.maxMembershipMonths} bulan`, en: `${r.minMembershipMonths}–${r.maxMembershipMonths} months` });
}

async function rulesPage(req: FastifyRequest, reply: FastifyReply, message: SafeHtml | null = null, status = 200) {
  const lang = req.lang;
  const q = req.query as { on?: string; year?: string };
  const on = q.on && isDate(q.on) ? q.on : todayInNtt();
  const year = q.year && /^\d{4}$/.test(q.year) ? Number(q.year) : Number(on.slice(0, 4));
  const { rules, scholarships, sla, holidays } = await scoped(req, async (tx) => ({
    rules: await listBenefitRules(tx, { on }),
    scholarships: await listScholarshipRules(tx),
    sla: await slaRules(tx),
    holidays: await listHolidays(tx, { year }),
  }));
  const user = req.session!.user;
  const canManage = can(user.role, 'claims.rules');
  const L = (m: Message) => tr(lang, m);
  const H = {
    type: L({ id: 'Jenis klaim', en: 'Claim type' }), component: L({ id: 'Komponen', en: 'Component' }), amount: L({ id: 'Besaran', en: 'Amount' }),
    months: L({ id: 'Masa kepesertaan', en: 'Membership' }), valid: L({ id: 'Berlaku', en: 'Valid' }), basis: L({ id: 'Dasar hukum', en: 'Legal basis' }),
    inForce: L({ id: `Berlaku pada ${formatDate(on, 'id')}`, en: `In force on ${formatDate(on, 'en')}` }), day: L({ id: 'Tanggal', en: 'Date' }), name: L({ id: 'Nama', en: 'Name' }), area: L({ id: 'Wilayah', en: 'Area' }),
  };
  const byType = new Map<ClaimType, typeof rules>();
  for (const r of rules) byType.set(r.claimType, [...(byType.get(r.claimType) ?? []), r]);
  const yes = L({ id: 'ya', en: 'yes' });
  return page(req, reply, {
    title: L({ id: 'Aturan klaim dan hari libur', en: 'Claim rules and public holidays' }),
    status,
    body: html`${message ?? ''}
<form method="get" action="/claims/rules" class="form-grid" id="rules-date">
  <div><label for="on">${L({ id: 'Tanggal kejadian', en: 'Event date' })}</label><input id="on" name="on" type="date" value="${on}"></div>
  <div><label for="year">${L({ id: 'Tahun hari libur', en: 'Holiday year' })}</label><input id="year" name="year" inputmode="numeric" value="${year}"></div>
  <div><button type="submit">${L({ id: 'Tampilkan', en: 'Show' })}</button></div>
</form>
<h2>${L({ id: 'Aturan santunan', en: 'Benefit rules' })}</h2>
<p class="muted">${L({ id: 'Santunan klaim adalah jumlah komponen yang berlaku pada tanggal kejadian dan syarat masa kepesertaannya terpenuhi. Aturan tidak diubah: perubahan adalah aturan baru dengan tanggal mulai; yang terbaru berlaku. Besaran bertanda * belum diverifikasi terhadap peraturan.', en: 'A claim\'s benefit is the sum of the components in force on the event date whose membership condition holds. Rules are never edited: a change is a new rule from a date; the latest in force applies. Amounts marked * are not yet verified against the regulation.' })}</p>
<div class="table-wrap"><table class="stack" id="benefit-rules">
<thead><tr><th scope="col">${H.type}</th><th scope="col">${H.component}</th><th scope="col">${H.amount}</th><th scope="col">${H.months}</th><th scope="col">${H.valid}</th><th scope="col">${H.basis}</th><th scope="col">${H.inForce}</th></tr></thead>
<tbody>${CLAIM_TYPES.flatMap((t) => (byType.get(t) ?? []).map((r) => html`<tr data-rule="${r.id}"${r.inForce ? html` class="in-force"` : ''}>
<td data-label="${H.type}">${L(CLAIM_TYPE_LABEL[t])}</td><td data-label="${H.component}">${L(r.label)}</td>
<td data-label="${H.amount}" class="num">${amountText(r, lang)}${r.verified ? '' : ' *'}</td><td data-label="${H.months}">${monthsText(r, lang)}</td>
<td data-label="${H.valid}">${formatDate(r.validFrom, lang)} – ${r.validTo ? formatDate(r.validTo, lang) : '…'}${r.areaCode ? ` (${r.areaCode})` : ''}</td>
<td data-label="${H.basis}">${r.legalBasis}</td><td data-label="${H.inForce}">${r.inForce ? html`<strong>${yes}</strong>` : '—'}</td></tr>`))}</tbody>
</table></div>
${canManage ? html`<details id="add-rule"><summary>${L({ id: 'Tambah aturan santunan mulai suatu tanggal', en: 'Add a benefit rule from a date' })}</summary>
<form method="post" action="/claims/rules/benefits" class="form-grid">${csrfField(req)}
  <div><label for="br-type">${H.type}</label><select id="br-type" name="claimType" required>${CLAIM_TYPES.map((t) => html`<option value="${t}">${L(CLAIM_TYPE_LABEL[t])}</option>`)}</select></div>
  <div><label for="br-component">${L({ id: 'Kode komponen', en: 'Component code' })}</label><input id="br-component" name="component" required maxlength="40" placeholder="lump_sum"></div>
  <div><label for="br-label-id">${L({ id: 'Nama (Indonesia)', en: 'Name (Indonesian)' })}</label><input id="br-label-id" name="labelId" required maxlength="200"></div>
  <div><label for="br-label-en">${L({ id: 'Nama (Inggris)', en: 'Name (English)' })}</label><input id="br-label-en" name="labelEn" required maxlength="200"></div>
  <div><label for="br-amount">${L({ id: 'Jumlah tetap (rupiah)', en: 'Fixed amount (rupiah)' })}</label><input id="br-amount" name="amount" inputmode="numeric" placeholder="20000000"></div>
  <div><label for="br-multiple">${L({ id: 'atau kelipatan upah', en: 'or income multiple' })}</label><input id="br-multiple" name="incomeMultiple" inputmode="decimal" placeholder="48"></div>
  <div><label for="br-scale">${L({ id: 'Skala', en: 'Scale' })}</label><select id="br-scale" name="scale"><option value="none">${L({ id: 'tidak ada', en: 'none' })}</option><option value="disability_percent">${L({ id: '% cacat', en: 'disability %' })}</option><option value="incapacity_days">${L({ id: 'hari tidak mampu bekerja / 30', en: 'days of incapacity / 30' })}</option><option value="medical_cost">${L({ id: 'tagihan perawatan', en: 'medical bill' })}</option></select></div>
  <div><label for="br-min">${L({ id: 'Masa kepesertaan minimal (bulan)', en: 'Minimum membership (months)' })}</label><input id="br-min" name="minMembershipMonths" inputmode="numeric" value="0"></div>
  <div><label for="br-max">${L({ id: 'Masa kepesertaan maksimal (bulan)', en: 'Maximum membership (months)' })}</label><input id="br-max" name="maxMembershipMonths" inputmode="numeric"></div>
  <div><label for="br-from">${L({ id: 'Berlaku mulai', en: 'Valid from' })}</label><input id="br-from" name="validFrom" type="date" required></div>
  <div><label for="br-basis">${H.basis}</label><input id="br-basis" name="legalBasis" required maxlength="300" placeholder="PP 82/2019"></div>
  <div><label><input type="checkbox" name="verified" value="1"> ${L({ id: 'Besaran sudah diverifikasi terhadap peraturan', en: 'Amount verified against the regulation' })}</label></div>
  <div><button type="submit">${L({ id: 'Simpan aturan', en: 'Save rule' })}</button></div>
</form></details>` : ''}
<h2>${L({ id: 'Beasiswa anak', en: 'Children\'s scholarship' })}</h2>
<div class="table-wrap"><table class="stack" id="scholarship-rules">
<thead><tr><th scope="col">${L({ id: 'Jenjang', en: 'Level' })}</th><th scope="col" class="num">${L({ id: 'Per tahun', en: 'Per year' })}</th><th scope="col" class="num">${L({ id: 'Tahun', en: 'Years' })}</th><th scope="col">${L({ id: 'Syarat', en: 'Conditions' })}</th><th scope="col">${H.valid}</th></tr></thead>
<tbody>${scholarships.map((s) => html`<tr><td data-label="${L({ id: 'Jenjang', en: 'Level' })}">${L(SCHOOL_LEVEL_LABEL[s.level])}</td><td class="num" data-label="${L({ id: 'Per tahun', en: 'Per year' })}">${formatRupiah(s.amountPerYear)}${s.verified ? '' : ' *'}</td><td class="num" data-label="${L({ id: 'Tahun', en: 'Years' })}">${s.years}</td>
<td data-label="${L({ id: 'Syarat', en: 'Conditions' })}">${L({ id: `paling banyak ${s.maxChildren} anak, sampai usia ${s.maxAge}; JKM: masa iur ≥ ${s.jkmMinContributionMonths} bulan`, en: `at most ${s.maxChildren} children, up to age ${s.maxAge}; JKM: ≥ ${s.jkmMinContributionMonths} contribution months` })}</td>
<td data-label="${H.valid}">${formatDate(s.validFrom, lang)} – ${s.validTo ? formatDate(s.validTo, lang) : '…'} (${s.legalBasis})</td></tr>`)}</tbody>
</table></div>
<h2>${L({ id: 'Batas waktu layanan (SLA)', en: 'Service deadline (SLA)' })}</h2>
<ul id="sla-rules">${sla.map((s) => html`<li>${L({ id: `${s.workingDays} hari kerja sejak berkas lengkap, berlaku sejak ${formatDate(s.validFrom, 'id')} (${s.legalBasis})`, en: `${s.workingDays} working days from a complete file, in force since ${formatDate(s.validFrom, 'en')} (${s.legalBasis})` })}</li>`)}</ul>
<h2>${L({ id: `Hari libur ${year}`, en: `Public holidays ${year}` })}</h2>
<p class="muted">${L({ id: 'Sabtu, Minggu dan hari libur di bawah tidak dihitung sebagai hari kerja. Libur daerah hanya berlaku untuk klaim di wilayahnya.', en: 'Saturdays, Sundays and the holidays below are not working days. A regional holiday applies only to claims in its area.' })}</p>
${holidays.length === 0 ? html`<p class="muted">${L({ id: 'Belum ada hari libur tercatat untuk tahun ini.', en: 'No holidays recorded for this year.' })}</p>` : html`<div class="table-wrap"><table class="stack" id="holidays">
<thead><tr><th scope="col">${H.day}</th><th scope="col">${H.name}</th><th scope="col">${H.area}</th>${canManage ? html`<th scope="col"><span class="visually-hidden">${L({ id: 'Tindakan', en: 'Actions' })}</span></th>` : ''}</tr></thead>
<tbody>${holidays.map((h) => html`<tr><td data-label="${H.day}">${formatDate(h.day, lang)}</td><td data-label="${H.name}">${h.name}</td><td data-label="${H.area}">${h.areaCode ?? L({ id: 'nasional', en: 'national' })}</td>
${canManage ? html`<td><form method="post" action="/claims/rules/holidays/remove" class="inline">${csrfField(req)}<input type="hidden" name="day" value="${h.day}"><input type="hidden" name="name" value="${h.name}"><button type="submit" aria-label="${L({ id: 'Hapus hari libur', en: 'Remove holiday' })} ${h.name} ${h.day}">${L({ id: 'Hapus', en: 'Remove' })}</button></form></td>` : ''}</tr>`)}</tbody>
</table></div>`}
${canManage ? html`<h3>${L({ id: 'Tambah hari libur', en: 'Add a public holiday' })}</h3>
<form method="post" action="/claims/rules/holidays" class="form-grid" id="holiday-form">${csrfField(req)}
  <div><label for="ph-day">${H.day}</label><input id="ph-day" name="day" type="date" required></div>
  <div><label for="ph-name">${H.name}</label><input id="ph-name" name="name" required maxlength="120" placeholder="Cuti bersama Idul Fitri"></div>
  <div><label for="ph-area">${L({ id: 'Kode wilayah (kosong: nasional)', en: 'Area code (empty: national)' })}</label><input id="ph-area" name="areaCode" maxlength="13" placeholder="53.08"></div>
  <div><button type="submit">${L({ id: 'Simpan hari libur', en: 'Save holiday' })}</button></div>
</form>` : ''}`,
  });
}

/** A form number: empty → null; a decimal comma or point; rupiah via parseRupiah (dots group thousands). */
const numOrNull = (v: unknown): number | null => {
  const s = typeof v === 'string' ? v.trim().replace(',', '.') : '';
  return s === '' ? null : Number(s);
};
const rupiahOrNull = (v: unknown): number | null => {
  const s = typeof v === 'string' ? v.trim() : '';
  if (s === '') return null;
  const r = parseRupiah(s);
  if (!r.ok) throw new UserError('invalid', 'amount_invalid', r.message);
  return r.value;
};

export function claimRulesPages(app: FastifyInstance): void {
  route(app, {
    method: 'GET', url: '/claims/rules', summary: 'Claim rules and public holidays', tags: ['web'], web: true, access: { kind: 'signed_in' },
    handler: async (req, reply) => rulesPage(req, reply),
  });
  const act = (url: string, summary: string, fn: (req: FastifyRequest, body: Record<string, string | undefined>) => Promise<unknown>) =>
    route(app, {
      method: 'POST', url, summary, tags: ['web'], web: true, access: manage,
      handler: async (req, reply) => {
        try {
          await fn(req, (req.body ?? {}) as Record<string, string | undefined>);
          return reply.redirect('/claims/rules', 303);
        } catch (e) {
          const alert = alertFor(req.lang, e);
          if (!alert) throw e;
          return rulesPage(req, reply, alert, 422);
        }
      },
    });
  act('/claims/rules/holidays', 'Add a public holiday', (req, b) => scoped(req, (tx) => addHoliday(tx, { day: b.day ?? '', name: b.name ?? '', areaCode: b.areaCode || null })));
  act('/claims/rules/holidays/remove', 'Remove a public holiday', (req, b) => scoped(req, (tx) => removeHoliday(tx, { day: b.day ?? '', name: b.name ?? '' })));
  act('/claims/rules/benefits', 'Add a benefit rule', (req, b) => scoped(req, (tx) => addBenefitRule(tx, {
    claimType: b.claimType ?? '', component: b.component ?? '', labelId: b.labelId ?? '', labelEn: b.labelEn ?? '',
    amount: rupiahOrNull(b.amount), incomeMultiple: numOrNull(b.incomeMultiple), scale: b.scale || 'none',
    minMembershipMonths: numOrNull(b.minMembershipMonths) ?? 0, maxMembershipMonths: numOrNull(b.maxMembershipMonths),
    validFrom: b.validFrom ?? '', legalBasis: b.legalBasis ?? '', verified: b.verified === '1',
  })));
}
