import { describe, it, expect } from 'vitest';
import { coveredOn, type CoverageAnswer, type MembershipTimeline } from '../../src/domain/coverage.js';
import type { Message } from '../../src/domain/messages.js';

const NTT_2025 = { programmeCode: 'NTT-2025', funderName: 'Pemprov NTT', coverageStart: '2025-07-01', coverageEnd: '2025-12-31' };
const NTT_2026 = { programmeCode: 'NTT-2026', funderName: 'Pemprov NTT', coverageStart: '2026-01-01', coverageEnd: '2026-12-31' };
const ENDE_2026 = { programmeCode: 'ENDE-2026', funderName: 'Pemkab Ende', coverageStart: '2026-01-01', coverageEnd: '2026-12-31' };

function member(base: typeof NTT_2025, state: MembershipTimeline['state'], periods: MembershipTimeline['periods'], extra: Partial<MembershipTimeline> = {}): MembershipTimeline {
  return { ...base, state, periods, ...extra };
}

function covered(answer: CoverageAnswer): { programmeCode: string; funderName: string; period: { from: string; to: string } } {
  if (!answer.covered || answer.conflict) throw new Error(`expected covered, got ${JSON.stringify(answer)}`);
  return { programmeCode: answer.programmeCode, funderName: answer.funderName, period: answer.period };
}

function notCovered(answer: CoverageAnswer): Message {
  if (answer.covered) throw new Error(`expected not covered, got ${JSON.stringify(answer)}`);
  return answer.reason;
}

describe('coveredOn: covered', () => {
  const active = [member(NTT_2025, 'active', [{ from: '2025-07-21', to: null }])];

  it('inside the period and the window: programme, funder and the period clipped to the window', () => {
    expect(covered(coveredOn(active, '2025-08-10'))).toEqual({
      programmeCode: 'NTT-2025',
      funderName: 'Pemprov NTT',
      period: { from: '2025-07-21', to: '2025-12-31' },
    });
  });

  it('both ends are inclusive', () => {
    expect(covered(coveredOn(active, '2025-07-21')).programmeCode).toBe('NTT-2025');
    expect(covered(coveredOn(active, '2025-12-31')).programmeCode).toBe('NTT-2025');
  });

  it('a lapsed or ended membership still answers for the days it covered', () => {
    const lapsed = [member(NTT_2025, 'lapsed', [{ from: '2025-07-21', to: '2025-09-30' }])];
    expect(covered(coveredOn(lapsed, '2025-09-30')).period).toEqual({ from: '2025-07-21', to: '2025-09-30' });
    const ended = [member(NTT_2025, 'ended', [{ from: '2025-07-21', to: '2025-08-31' }], { endedReason: 'meninggal dunia' })];
    expect(covered(coveredOn(ended, '2025-08-31')).programmeCode).toBe('NTT-2025');
  });
});

describe('coveredOn: not covered, with the reason naming the date', () => {
  it('lapsed: since the day after the last covered day', () => {
    const t = [member(NTT_2025, 'lapsed', [{ from: '2025-07-21', to: '2025-09-30' }])];
    const r = notCovered(coveredOn(t, '2025-10-05'));
    expect(r.id).toContain('non-aktif sejak 1 Oktober 2025');
    expect(r.en).toContain('lapsed (non-active) since 1 October 2025');
    expect(r.en).toContain('Pay all arrears');
    expect(r.en).toContain('5 October 2025');
    expect(r.en).toContain('NTT-2025');
    expect(r.en).toContain('Pemprov NTT');
  });

  it('a lapse that was cured: the gap is named with both ends', () => {
    const t = [
      member(NTT_2025, 'active', [
        { from: '2025-07-21', to: '2025-09-30' },
        { from: '2025-10-11', to: null },
      ]),
    ];
    const r = notCovered(coveredOn(t, '2025-10-05'));
    expect(r.en).toContain('lapsed from 1 October 2025 to 10 October 2025');
    expect(r.en).toContain('active again from 11 October 2025');
    expect(r.id).toContain('non-aktif dari 1 Oktober 2025 sampai 10 Oktober 2025');
    expect(covered(coveredOn(t, '2025-10-11')).period).toEqual({ from: '2025-10-11', to: '2025-12-31' });
  });

  it('before the person’s own start', () => {
    const t = [member(NTT_2025, 'active', [{ from: '2025-08-15', to: null }])];
    const r = notCovered(coveredOn(t, '2025-08-01'));
    expect(r.en).toContain("this person's cover under programme NTT-2025 (funded by Pemprov NTT) only starts on 15 August 2025");
    expect(r.id).toContain('15 Agustus 2025');
  });

  it('before the programme starts', () => {
    const t = [member(NTT_2025, 'active', [{ from: '2025-01-01', to: null }])];
    const r = notCovered(coveredOn(t, '2025-06-30'));
    expect(r.en).toContain('only covers from 1 July 2025');
  });

  it('after the programme ended, even with an open period', () => {
    const t = [member(NTT_2025, 'active', [{ from: '2025-07-21', to: null }])];
    const r = notCovered(coveredOn(t, '2026-01-01'));
    expect(r.en).toContain('ended on 31 December 2025');
    expect(r.en).toContain('next programme');
    expect(r.id).toContain('berakhir pada 31 Desember 2025');
  });

  it('an ended membership: last covered day and the reason it ended', () => {
    const t = [member(NTT_2025, 'ended', [{ from: '2025-07-21', to: '2025-10-15' }], { endedReason: 'pindah ke luar NTT' })];
    const r = notCovered(coveredOn(t, '2025-11-01'));
    expect(r.en).toContain('the last covered day was 15 October 2025 (pindah ke luar NTT)');
  });

  it('not a member of any programme', () => {
    const r = notCovered(coveredOn([], '2025-08-01'));
    expect(r.en).toContain('not a member of any programme');
    expect(r.id).toContain('bukan peserta');
  });

  it.each([
    ['waiting', 'still on the waiting list'],
    ['candidate', 'still a candidate'],
    ['submitted', 'submitted to BPJS but not accepted yet'],
  ] as const)('%s: not yet covered, even if periods were recorded', (state, text) => {
    const t = [member(NTT_2026, state, [{ from: '2026-01-01', to: null }])];
    const r = notCovered(coveredOn(t, '2026-02-01'));
    expect(r.en).toContain(text);
    expect(r.en).toContain('KPJ');
  });

  it('a membership with no covered day inside the window', () => {
    const t = [member(NTT_2025, 'ended', [{ from: '2025-01-01', to: '2025-06-30' }])];
    expect(notCovered(coveredOn(t, '2025-08-01')).en).toContain('no covered day');
  });
});

describe('coveredOn: two programmes in sequence', () => {
  const timelines = [
    member(NTT_2025, 'ended', [{ from: '2025-07-21', to: null }], { endedReason: 'program selesai' }),
    member(ENDE_2026, 'active', [{ from: '2026-01-01', to: null }]),
  ];

  it('each date is answered by the programme in force, with its funder', () => {
    expect(covered(coveredOn(timelines, '2025-12-31'))).toMatchObject({ programmeCode: 'NTT-2025', funderName: 'Pemprov NTT' });
    expect(covered(coveredOn(timelines, '2026-01-01'))).toMatchObject({ programmeCode: 'ENDE-2026', funderName: 'Pemkab Ende' });
    expect(covered(coveredOn(timelines, '2026-12-31')).period).toEqual({ from: '2026-01-01', to: '2026-12-31' });
  });

  it('before the first and after the last', () => {
    expect(notCovered(coveredOn(timelines, '2025-07-20')).en).toContain('21 July 2025');
    expect(notCovered(coveredOn(timelines, '2027-01-05')).en).toContain('ENDE-2026 (funded by Pemkab Ende) ended on 31 December 2026');
  });

  it('in a gap between them, the nearest event explains', () => {
    const gap = [member(NTT_2025, 'ended', [{ from: '2025-07-21', to: null }]), member(NTT_2026, 'active', [{ from: '2026-02-01', to: null }])];
    expect(notCovered(coveredOn(gap, '2026-01-05')).en).toContain('NTT-2025 (funded by Pemprov NTT) ended on 31 December 2025');
    expect(notCovered(coveredOn(gap, '2026-01-28')).en).toContain('only starts on 1 February 2026');
  });

  it('a submitted registration in the next programme explains a date inside its window', () => {
    const t = [member(NTT_2025, 'ended', [{ from: '2025-07-21', to: null }]), member(NTT_2026, 'submitted', [])];
    expect(notCovered(coveredOn(t, '2026-01-10')).en).toContain('NTT-2026 (funded by Pemprov NTT) is submitted to BPJS');
  });
});

describe('coveredOn: conflicts', () => {
  it('two memberships covering the same date are reported, not picked from', () => {
    const timelines = [member(NTT_2026, 'active', [{ from: '2026-01-01', to: null }]), member(ENDE_2026, 'active', [{ from: '2026-03-01', to: null }])];
    expect(covered(coveredOn(timelines, '2026-02-28')).programmeCode).toBe('NTT-2026');
    const answer = coveredOn(timelines, '2026-03-01');
    if (!answer.covered || !answer.conflict) throw new Error('expected a conflict');
    expect(answer.matches.map((m) => [m.programmeCode, m.funderName])).toEqual([
      ['NTT-2026', 'Pemprov NTT'],
      ['ENDE-2026', 'Pemkab Ende'],
    ]);
    expect(answer.reason.en).toContain('Conflicting data');
    expect(answer.reason.en).toContain('1 March 2026');
    expect(answer.reason.en).toContain('NTT-2026 (funded by Pemprov NTT) and ENDE-2026 (funded by Pemkab Ende)');
    expect(answer.reason.id).toContain('Data bertentangan');
  });

  it('overlapping periods inside one membership are not a conflict', () => {
    const t = [
      member(NTT_2025, 'active', [
        { from: '2025-07-01', to: '2025-09-30' },
        { from: '2025-09-01', to: null },
      ]),
    ];
    expect(covered(coveredOn(t, '2025-09-15')).period).toEqual({ from: '2025-07-01', to: '2025-09-30' });
  });

  it('an overlap outside either programme window is not a conflict', () => {
    const t = [member(NTT_2025, 'ended', [{ from: '2025-07-21', to: null }]), member(NTT_2026, 'active', [{ from: '2025-12-01', to: null }])];
    expect(covered(coveredOn(t, '2025-12-15')).programmeCode).toBe('NTT-2025');
  });
});

describe('coveredOn: input', () => {
  it('a malformed date throws', () => {
    expect(() => coveredOn([], '2025-02-30')).toThrow(RangeError);
  });

  it('a malformed period throws', () => {
    expect(() => coveredOn([member(NTT_2025, 'active', [{ from: '2025-7-1', to: null }])], '2025-08-01')).toThrow(RangeError);
  });
});
