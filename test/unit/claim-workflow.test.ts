import { describe, expect, it } from 'vitest';
import { actionFrom, allowedActions, makerCheckerProblem, transitionProblem } from '../../src/domain/claim-workflow.js';
import { checklist, describeContent, detectMediaType, formatMegabytes, requiredDocuments, uploadOrder } from '../../src/domain/claim-documents.js';

describe('claim steps', () => {
  it('opens the steps of each status', () => {
    expect(allowedActions('draft', true)).toEqual(['complete', 'withdraw']);
    expect(allowedActions('documents_complete', true)).toEqual(['submit', 'withdraw']);
    expect(allowedActions('submitted', true)).toEqual(['approve', 'reject']);
    for (const s of ['approved', 'rejected', 'paid', 'confirmed', 'withdrawn'] as const) expect(allowedActions(s, true)).toEqual([]);
  });

  it('lets a claim that was not covered only be rejected, from any open step', () => {
    expect(allowedActions('draft', false)).toEqual(['complete', 'reject', 'withdraw']);
    expect(allowedActions('submitted', false)).toEqual(['reject']);
    expect(actionFrom('reject', false)).toEqual(['draft', 'documents_complete', 'submitted']);
    expect(transitionProblem('approve', 'submitted', false)!.id).toContain('hanya dapat ditolak');
  });

  it('says which status a step needs and which the claim has', () => {
    const p = transitionProblem('submit', 'draft', true)!;
    expect(p.id).toBe('Langkah "Ajukan ke BPJS" hanya untuk klaim berstatus Berkas lengkap; klaim ini berstatus Draf (berkas dikumpulkan).');
    expect(p.en).toBe('"Submit to BPJS" is only for a claim that is Documents complete; this claim is Draft (documents being gathered).');
    expect(transitionProblem('withdraw', 'approved', true)!.en).toContain('Draft (documents being gathered) or Documents complete');
  });

  it('keeps the checker apart from who registered and who submitted', () => {
    const maker = { userId: 3, label: 'kab.kupang' };
    const submitter = { userId: 4, label: 'provinsi' };
    expect(makerCheckerProblem({ userId: 5, label: 'verifikator' }, maker, submitter)).toBeNull();
    expect(makerCheckerProblem(submitter, maker, submitter)!.en).toContain('provinsi submitted this claim');
    expect(makerCheckerProblem(maker, maker, submitter)!.en).toContain('kab.kupang registered this claim');
    // The command line without an account is one party, "cli": it cannot decide what it registered.
    const cli = { userId: null, label: 'cli' };
    expect(makerCheckerProblem(cli, cli, null)).not.toBeNull();
    expect(makerCheckerProblem({ userId: 5, label: 'verifikator' }, cli, cli)).toBeNull();
  });
});

describe('claim documents', () => {
  it('asks for the JKM papers, and the marriage book when a spouse receives', () => {
    expect(requiredDocuments('jkm_death')).toEqual(['kpj_card', 'ktp_member', 'death_certificate', 'kk', 'heir_certificate', 'heir_ktp', 'bank_book']);
    expect(requiredDocuments('jkk_death')).toEqual([...requiredDocuments('jkm_death'), 'accident_report', 'medical_report']);
    const none = checklist('jkm_death', []);
    expect(none.complete).toBe(false);
    expect(none.missing).not.toContain('marriage_book');
    const spouse = checklist('jkm_death', requiredDocuments('jkm_death'), { spouseReceives: true });
    expect(spouse.missing).toEqual(['marriage_book']);
    expect(spouse.items.find((i) => i.kind === 'marriage_book')!.because!.id).toContain('suami/istri');
    expect(checklist('jkm_death', [...requiredDocuments('jkm_death'), 'marriage_book', 'other'], { spouseReceives: true })).toMatchObject({ complete: true, missing: [] });
  });

  it('lists extra uploads as not required, and offers the type\'s own kinds first', () => {
    const c = checklist('jkk_temporary', ['other', 'other']);
    expect(c.items.find((i) => i.kind === 'other')).toMatchObject({ required: false, uploaded: 2 });
    expect(c.missing).toEqual(['kpj_card', 'ktp_member', 'accident_report', 'medical_report', 'incapacity_letter', 'bank_book']);
    expect(uploadOrder('jkk_temporary').slice(0, 6)).toEqual(requiredDocuments('jkk_temporary'));
    expect(new Set(uploadOrder('funeral')).size).toBe(uploadOrder('funeral').length);
  });

  it('recognises PDF, JPEG and PNG by content, and names what a forged file really is', () => {
    const b = (s: string | number[]) => (typeof s === 'string' ? new Uint8Array(Buffer.from(s, 'latin1')) : new Uint8Array(s));
    expect(detectMediaType(b('%PDF-1.7\n'))).toBe('application/pdf');
    expect(detectMediaType(b('\xEF\xBB\xBF\r\n%PDF-1.4'))).toBe('application/pdf');
    expect(detectMediaType(b([0xff, 0xd8, 0xff, 0xdb]))).toBe('image/jpeg');
    expect(detectMediaType(b([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe('image/png');
    expect(detectMediaType(b([0x89, 0x50, 0x4e, 0x47]))).toBeNull();
    expect(detectMediaType(b('<html>%PDF-1.4'))).toBeNull();
    expect(detectMediaType(b('MZ\x90\x00'))).toBeNull();
    expect(describeContent(b('MZ\x90\x00')).en).toBe('a Windows program (EXE)');
    expect(describeContent(b('PK\x03\x04')).en).toContain('ZIP');
    expect(describeContent(b('  <!DOCTYPE html>')).en).toBe('a web page or XML/SVG');
    expect(describeContent(b('GIF89a')).en).toBe('a GIF image');
    expect(describeContent(b('')).en).toBe('an empty file');
  });

  it('writes sizes the way people say them', () => {
    expect(formatMegabytes(100 * 1024 * 1024, 'id')).toBe('100 MB');
    expect(formatMegabytes(1.5 * 1024 * 1024, 'id')).toBe('1,5 MB');
    expect(formatMegabytes(1.5 * 1024 * 1024, 'en')).toBe('1.5 MB');
    expect(formatMegabytes(300, 'id')).toBe('1 KB');
  });
});
