/**
 * A programme's members: how many are in each state per regency, lapse processing, ending a
 * membership (and reopening it), refilling freed places from the waiting list, and the latest
 * lapses, ends and replacements (NIKs masked for roles that do not need them).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { route } from '../../http/route.js';
import { actorOf, requireAreaInScope, scoped } from '../../http/context.js';
import { Problem } from '../../http/problem.js';
import { html, type SafeHtml } from '../html.js';
import { page } from '../layout.js';
import { formatDate, formatNumber, formatRupiah } from '../i18n.js';
import type { Lang, Message } from '../../domain/messages.js';
import { can } from '../../domain/roles.js';
import { UserError } from '../../domain/user-error.js';
import { ENDED_REASON_LABEL, ENDED_REASONS, endedReasonLabel, MEMBERSHIP_STATES, STATE_LABEL } from '../../domain/membership-state.js';
import { formatMonth } from '../../domain/billing.js';
import { todayInNtt } from '../../clock.js';
import { getProgramme } from '../../features/programmes/programmes.js';
import { logAccess } from '../../features/registry/access-log.js';
import { masker } from '../../features/registry/mask.js';
import { checkRunDate, loadLapseRules, processLapses } from '../../features/enrollment/lapse-run.js';
import { endMembership, reopenMembership } from '../../features/enrollment/membership-end.js';
import { defaultStart, replaceFreedPlaces } from '../../features/enrollment/replacement.js';
import { recentMemberEvents, statesByRegency } from '../../features/enrollment/member-overview.js';
import { replacementArea } from '../../features/enrollment/member-routes.js';

const tr = (lang: Lang, m: Message) => m[lang];
const EVENT: Record<string, Message> = {
  lapsed: { id: 'non-aktif (menunggak) sejak', en: 'lapsed since' },
  ended: { id: 'berhenti', en: 'ended' },
  replacement: { id: 'pengganti, perlindungan mulai', en: 'replacement, cover from' },
};

type Notice = { ok: boolean; body: SafeHtml } | null;

async function show(req: FastifyRequest, reply: FastifyReply, code: string, notice: Notice, status = 200) {
  const lang = req.lang;
  const user = actorOf(req);
  const mayRead = can(user.role, 'registry.read');
  const mayLapse = can(user.role, 'billing.manage');
  const mayManage = can(user.role, 'programmes.manage');
  const today = todayInNtt();
  const { p, regencies, events, rules } = await scoped(req, async (tx) => {
    const p = await getProgramme(tx, code);
    const events = mayRead ? await recentMemberEvents(tx, p, 20) : [];
    if (events.length) {
      await logAccess(tx, user, { action: 'view', subjectType: 'person', ids: [...new Set(events.map((e) => e.personId))], purpose: 'members.page', requestId: req.id });
    }
    return { p, regencies: await statesByRegency(tx, p), events, rules: await loadLapseRules(tx) };
  });
  const mask = masker(user.role);
  const csrf = html`<input type="hidden" name="_csrf" value="${req.session!.csrfToken}">`;
  const total = (s: (typeof MEMBERSHIP_STATES)[number]) => regencies.reduce((sum, r) => sum + r.counts[s], 0);
  const rule = rules.at(-1);
  return page(req, reply, {
    title: `${p.code} — ${tr(lang, { id: 'Peserta: non-aktif, berhenti, pengganti', en: 'Members: lapses, ends, replacements' })}`,
    status,
    body: html`<p><a href="/programmes/${p.code}">← ${p.code} — ${p.name}</a></p>
${notice ? html`<div class="${notice.ok ? 'notice' : 'alert'}" role="${notice.ok ? 'status' : 'alert'}">${notice.body}</div>` : ''}
<h2>${tr(lang, { id: 'Peserta menurut status per kabupaten/kota', en: 'Members by state per regency' })}</h2>
<div class="table-wrap"><table class="stack" id="member-states">
<thead><tr><th scope="col">${tr(lang, { id: 'Kabupaten/Kota', en: 'Regency' })}</th><th scope="col">${tr(lang, { id: 'Kuota', en: 'Quota' })}</th>${MEMBERSHIP_STATES.map((s) => html`<th scope="col">${tr(lang, STATE_LABEL[s])}</th>`)}<th scope="col">${tr(lang, { id: 'Tempat kosong', en: 'Free places' })}</th></tr></thead>
<tbody>${regencies.map((r) => html`<tr>
  <td data-label="${tr(lang, { id: 'Kabupaten/Kota', en: 'Regency' })}">${r.regencyName}</td>
  <td data-label="${tr(lang, { id: 'Kuota', en: 'Quota' })}" class="num">${formatNumber(r.quota, lang)}</td>
  ${MEMBERSHIP_STATES.map((s) => html`<td data-label="${tr(lang, STATE_LABEL[s])}" class="num">${formatNumber(r.counts[s], lang)}</td>`)}
  <td data-label="${tr(lang, { id: 'Tempat kosong', en: 'Free places' })}" class="num">${formatNumber(r.free, lang)}</td>
</tr>`)}</tbody>
<tfoot><tr><th scope="row">${tr(lang, { id: 'Jumlah', en: 'Total' })}</th><td class="num">${formatNumber(regencies.reduce((s, r) => s + r.quota, 0), lang)}</td>${MEMBERSHIP_STATES.map((s) => html`<td class="num">${formatNumber(total(s), lang)}</td>`)}<td class="num">${formatNumber(regencies.reduce((s, r) => s + r.free, 0), lang)}</td></tr></tfoot>
</table></div>
<p class="muted">${tr(lang, {
  id: 'Peserta non-aktif (menunggak) tetap memegang tempatnya sampai keanggotaannya dihentikan: bila tunggakan dilunasi, ia aktif kembali.',
  en: 'A lapsed member keeps the place until the membership is ended: once the arrears are paid, the member is active again.',
})}</p>
${mayLapse ? html`<section aria-labelledby="lapse-h"><h2 id="lapse-h">${tr(lang, { id: 'Proses tunggakan (non-aktif dan aktif kembali)', en: 'Lapse processing (lapse and reinstatement)' })}</h2>
${rule ? html`<p>${tr(lang, {
  id: `Aturan yang berlaku: ${rule.unpaidMonths} bulan berturut-turut tagihan lewat jatuh tempo dan belum lunas membuat keanggotaan non-aktif mulai tanggal 1 bulan berikutnya; ${rule.reinstatement === 'pay_arrears' ? 'melunasi semua tunggakan mengaktifkannya kembali mulai hari berikutnya' : 'peserta harus didaftarkan ulang'}. Tagihan yang baru dibayar sebagian dianggap belum dibayar. Dasar: ${rule.legalBasis}.`,
  en: `Rule in force: ${rule.unpaidMonths} consecutive billed months overdue and not paid in full make a membership lapse from the 1st of the next month; ${rule.reinstatement === 'pay_arrears' ? 'paying all arrears reinstates it from the next day' : 'the person must be registered again'}. A partly paid bill counts as unpaid. Basis: ${rule.legalBasis}.`,
})}</p>` : ''}
<form method="post" action="/programmes/${p.code}/members/lapses" class="stack-form">${csrf}
  <div><label for="lapse-on">${tr(lang, { id: 'Per tanggal', en: 'As of' })}</label><input id="lapse-on" name="on" type="date" value="${today}" max="${today}" required></div>
  <div><button type="submit">${tr(lang, { id: 'Jalankan proses tunggakan', en: 'Run lapse processing' })}</button></div>
</form></section>` : ''}
${mayManage ? html`<section aria-labelledby="end-h"><h2 id="end-h">${tr(lang, { id: 'Hentikan keanggotaan', en: 'End a membership' })}</h2>
<form method="post" action="/programmes/${p.code}/members/end" class="stack-form">${csrf}
  <div><label for="end-nik">NIK</label><input id="end-nik" name="nik" inputmode="numeric" pattern="[0-9 ]{16,20}" autocomplete="off" required></div>
  <div><label for="end-reason">${tr(lang, { id: 'Alasan', en: 'Reason' })}</label><select id="end-reason" name="reason" required>${ENDED_REASONS.map((r) => html`<option value="${r}">${tr(lang, ENDED_REASON_LABEL[r])}</option>`)}</select></div>
  <div><label for="end-on">${tr(lang, { id: 'Tanggal (hari terakhir terlindungi)', en: 'Date (last covered day)' })}</label><input id="end-on" name="on" type="date" max="${today}" required></div>
  <div><label for="end-note">${tr(lang, { id: 'Catatan (mis. nomor akta kematian)', en: 'Note (e.g. death certificate number)' })}</label><input id="end-note" name="note" maxlength="500"></div>
  <div><button type="submit">${tr(lang, { id: 'Hentikan', en: 'End membership' })}</button></div>
</form>
<h3>${tr(lang, { id: 'Buka kembali keanggotaan yang dihentikan keliru', en: 'Reopen a membership ended by mistake' })}</h3>
<form method="post" action="/programmes/${p.code}/members/reopen" class="stack-form">${csrf}
  <div><label for="reopen-nik">NIK</label><input id="reopen-nik" name="nik" inputmode="numeric" pattern="[0-9 ]{16,20}" autocomplete="off" required></div>
  <div><label for="reopen-reason">${tr(lang, { id: 'Alasan', en: 'Reason' })}</label><input id="reopen-reason" name="reason" maxlength="500" required></div>
  <div><button type="submit">${tr(lang, { id: 'Buka kembali', en: 'Reopen' })}</button></div>
</form></section>
<section aria-labelledby="replace-h"><h2 id="replace-h">${tr(lang, { id: 'Isi tempat kosong dari daftar tunggu', en: 'Fill free places from the waiting list' })}</h2>
<p>${tr(lang, {
  id: 'Orang dengan peringkat teratas di daftar tunggu kabupaten/kota menjadi calon peserta (lalu diajukan ke BPJS) dengan tanggal mulai perlindungannya sendiri.',
  en: 'The best-ranked people on the regency\'s waiting list become candidates (then go to BPJS) with their own coverage start.',
})}</p>
<form method="post" action="/programmes/${p.code}/members/replace" class="stack-form">${csrf}
  <div><label for="replace-regency">${tr(lang, { id: 'Kabupaten/Kota', en: 'Regency' })}</label><select id="replace-regency" name="regency"><option value="">${tr(lang, { id: 'Semua (dalam wilayah Anda)', en: 'All (within your area)' })}</option>${regencies.filter((r) => r.quota > 0).map((r) => html`<option value="${r.regencyCode}">${r.regencyName}</option>`)}</select></div>
  <div><label for="replace-start">${tr(lang, { id: 'Mulai perlindungan', en: 'Cover starts' })}</label><input id="replace-start" name="start" type="date" value="${defaultStart(p, today)}" min="${p.coverageStart}" max="${p.coverageEnd}" required></div>
  <div><button type="submit">${tr(lang, { id: 'Isi tempat kosong', en: 'Fill free places' })}</button></div>
</form></section>` : ''}
${mayRead ? html`<h2>${tr(lang, { id: 'Terakhir: non-aktif, berhenti, pengganti', en: 'Latest lapses, ends and replacements' })}</h2>
${events.length === 0 ? html`<p>${tr(lang, { id: 'Belum ada.', en: 'None yet.' })}</p>` : html`<div class="table-wrap"><table class="stack" id="member-events">
<thead><tr><th scope="col">${tr(lang, { id: 'Nama', en: 'Name' })}</th><th scope="col">NIK</th><th scope="col">${tr(lang, { id: 'Kabupaten/Kota', en: 'Regency' })}</th><th scope="col">${tr(lang, { id: 'Kejadian', en: 'Event' })}</th><th scope="col">${tr(lang, { id: 'Tanggal', en: 'Date' })}</th></tr></thead>
<tbody>${events.map((e) => {
  const reason = endedReasonLabel(e.reason);
  return html`<tr>
  <td data-label="${tr(lang, { id: 'Nama', en: 'Name' })}"><a href="/registry/${e.personId}">${e.fullName}</a></td>
  <td data-label="NIK"><code>${mask.nik(e.nik)}</code></td>
  <td data-label="${tr(lang, { id: 'Kabupaten/Kota', en: 'Regency' })}">${regencies.find((r) => r.regencyCode === e.regencyCode)?.regencyName ?? e.regencyCode}</td>
  <td data-label="${tr(lang, { id: 'Kejadian', en: 'Event' })}">${tr(lang, EVENT[e.kind]!)}${reason ? ` — ${tr(lang, reason)}` : ''}${e.note ? html` <span class="muted">(${e.note})</span>` : ''}${e.replaces ? html` ${tr(lang, { id: 'menggantikan', en: 'replacing' })} ${e.replaces.fullName} (<code>${mask.nik(e.replaces.nik)}</code>)` : ''}</td>
  <td data-label="${tr(lang, { id: 'Tanggal', en: 'Date' })}">${e.day ? formatDate(e.day, lang) : '—'}</td>
</tr>`;
})}</tbody></table></div>`}` : ''}`,
  });
}

function refusal(lang: Lang, e: unknown): SafeHtml | null {
  if (e instanceof UserError) return html`${e.text[lang]}`;
  if (e instanceof Problem && e.status < 500) return html`${e.detail[lang]}`;
  return null;
}

export function memberPages(app: FastifyInstance): void {
  const params = { type: 'object', properties: { code: { type: 'string', maxLength: 32 } }, required: ['code'] } as const;
  route(app, {
    method: 'GET', url: '/programmes/:code/members', summary: 'A programme\'s members: states, lapses, ends, replacements', tags: ['web'], web: true,
    access: { kind: 'signed_in' }, schema: { params },
    handler: async (req, reply) => show(req, reply, (req.params as { code: string }).code, null),
  });

  const act = async (req: FastifyRequest, reply: FastifyReply, fn: () => Promise<SafeHtml>) => {
    const code = (req.params as { code: string }).code;
    try {
      return show(req, reply, code, { ok: true, body: await fn() });
    } catch (e) {
      const text = refusal(req.lang, e);
      if (text) return show(req, reply, code, { ok: false, body: text }, 422);
      throw e;
    }
  };
  const field = (req: FastifyRequest, name: string) => String((req.body as Record<string, unknown> | undefined)?.[name] ?? '').trim();

  route(app, {
    method: 'POST', url: '/programmes/:code/members/lapses', summary: 'Run lapse processing (form)', tags: ['web'], web: true,
    access: { kind: 'permission', permission: 'billing.manage' }, schema: { params },
    handler: async (req, reply) => act(req, reply, async () => {
      const lang = req.lang;
      const today = todayInNtt();
      const on = field(req, 'on') || today;
      checkRunDate(on, today);
      const r = await scoped(req, async (tx) => {
        const p = await getProgramme(tx, (req.params as { code: string }).code);
        await requireAreaInScope(tx, p.funderAreaCode);
        return processLapses(tx, p, on);
      });
      return html`${tr(lang, {
        id: `Per ${formatDate(r.on, 'id')}: ${formatNumber(r.lapsed, 'id')} keanggotaan menjadi non-aktif (menunggak), ${formatNumber(r.reinstated, 'id')} aktif kembali; kini ${formatNumber(r.lapsedNow, 'id')} non-aktif.`,
        en: `As of ${formatDate(r.on, 'en')}: ${formatNumber(r.lapsed, 'en')} memberships lapsed, ${formatNumber(r.reinstated, 'en')} reinstated; ${formatNumber(r.lapsedNow, 'en')} lapsed now.`,
      })}${r.unpaidMonths.length ? html`<ul>${r.unpaidMonths.map((u) => html`<li>${tr(lang, {
        id: `Tagihan ${formatMonth(u.month, 'id')} (jatuh tempo ${formatDate(u.dueDate, 'id')}) belum lunas: dibayar ${formatRupiah(u.paid)} dari ${formatRupiah(u.amount)}`,
        en: `The ${formatMonth(u.month, 'en')} bill (due ${formatDate(u.dueDate, 'en')}) is not paid in full: ${formatRupiah(u.paid)} of ${formatRupiah(u.amount)} paid`,
      })}</li>`)}</ul>` : ''}`;
    }),
  });
  route(app, {
    method: 'POST', url: '/programmes/:code/members/end', summary: 'End a membership (form)', tags: ['web'], web: true,
    access: { kind: 'permission', permission: 'programmes.manage' }, schema: { params },
    handler: async (req, reply) => act(req, reply, async () => {
      const lang = req.lang;
      const actor = actorOf(req);
      const r = await scoped(req, async (tx) => {
        const r = await endMembership(tx, { nik: field(req, 'nik'), programme: (req.params as { code: string }).code },
          { reason: field(req, 'reason'), on: field(req, 'on'), note: field(req, 'note') || null }, todayInNtt());
        await logAccess(tx, actor, { action: 'view', subjectType: 'person', ids: [r.personId], purpose: 'members.end', requestId: req.id });
        return r;
      });
      return html`${tr(lang, {
        id: `Keanggotaan ${r.fullName} (${masker(actor.role).nik(r.nik)}) di ${r.programme} berhenti pada ${formatDate(r.endedOn, 'id')} (${ENDED_REASON_LABEL[r.reason].id}). Tempatnya dapat diisi dari daftar tunggu.`,
        en: `${r.fullName}'s (${masker(actor.role).nik(r.nik)}) membership of ${r.programme} ended on ${formatDate(r.endedOn, 'en')} (${ENDED_REASON_LABEL[r.reason].en}). The place can be filled from the waiting list.`,
      })}`;
    }),
  });
  route(app, {
    method: 'POST', url: '/programmes/:code/members/reopen', summary: 'Reopen an ended membership (form)', tags: ['web'], web: true,
    access: { kind: 'permission', permission: 'programmes.manage' }, schema: { params },
    handler: async (req, reply) => act(req, reply, async () => {
      const lang = req.lang;
      const actor = actorOf(req);
      const r = await scoped(req, async (tx) => {
        const r = await reopenMembership(tx, { nik: field(req, 'nik'), programme: (req.params as { code: string }).code }, field(req, 'reason'), todayInNtt());
        await logAccess(tx, actor, { action: 'view', subjectType: 'person', ids: [r.personId], purpose: 'members.reopen', requestId: req.id });
        return r;
      });
      return html`${tr(lang, {
        id: `Keanggotaan ${r.fullName} di ${r.programme} dibuka kembali; statusnya kini ${STATE_LABEL[r.state].id}.`,
        en: `${r.fullName}'s membership of ${r.programme} was reopened; it is now ${STATE_LABEL[r.state].en}.`,
      })}${r.replacedBy ? html` ${tr(lang, {
        id: `Tempatnya sudah diisi ${r.replacedBy.fullName}; kuota kabupaten/kota kini lebih satu.`,
        en: `The place was already given to ${r.replacedBy.fullName}; the regency is now one over its quota.`,
      })}` : ''}`;
    }),
  });
  route(app, {
    method: 'POST', url: '/programmes/:code/members/replace', summary: 'Fill free places from the waiting list (form)', tags: ['web'], web: true,
    access: { kind: 'permission', permission: 'programmes.manage' }, schema: { params },
    handler: async (req, reply) => act(req, reply, async () => {
      const lang = req.lang;
      const actor = actorOf(req);
      const regency = replacementArea(req, field(req, 'regency') || undefined);
      const r = await scoped(req, async (tx) => {
        const p = await getProgramme(tx, (req.params as { code: string }).code);
        await requireAreaInScope(tx, regency ?? p.funderAreaCode);
        const r = await replaceFreedPlaces(tx, p, regency, field(req, 'start') || defaultStart(p, todayInNtt()), actor.username);
        const ids = r.replacements.flatMap((x) => (x.replaces ? [x.personId, x.replaces.personId] : [x.personId]));
        if (ids.length) await logAccess(tx, actor, { action: 'view', subjectType: 'person', ids, purpose: 'members.replace', requestId: req.id });
        return r;
      });
      const mask = masker(actor.role);
      return html`${tr(lang, {
        id: `${formatNumber(r.replacements.length, 'id')} orang dari daftar tunggu menjadi calon peserta, perlindungan mulai ${formatDate(r.startOn, 'id')}.`,
        en: `${formatNumber(r.replacements.length, 'en')} people from the waiting list became candidates, cover from ${formatDate(r.startOn, 'en')}.`,
      })}${r.replacements.length ? html`<ul>${r.replacements.slice(0, 200).map((x) => html`<li>${x.fullName} (<code>${mask.nik(x.nik)}</code>) ${x.replaces
        ? html`${tr(lang, { id: 'menggantikan', en: 'replacing' })} ${x.replaces.fullName} (<code>${mask.nik(x.replaces.nik)}</code>)`
        : tr(lang, { id: 'mengisi tempat yang belum pernah terisi', en: 'takes a place never filled' })}</li>`)}</ul>` : ''}`;
    }),
  });
}
