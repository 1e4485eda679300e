import { describe, it, expect } from 'vitest';
import {
  ageOn,
  checkRules,
  DEFAULT_INFORMAL_OCCUPATIONS,
  evaluateEligibility,
  RULE_CODES,
  type Candidate,
  type EligibilityDecision,
  type EligibilityRules,
} from '../../src/domain/eligibility.js';

const START = '2025-07-01';

/** NTT-2025-like rules: decile 1–4, informal, age 18–65, resident of NTT, not yet covered. */
const NTT_RULES: EligibilityRules = {
  maxDecile: 4,
  requireInformalOccupation: true,
  minAge: 18,
  maxAge: 65,
  residencyArea: '53',
  excludeActiveBpjs: true,
  excludeOtherActiveProgramme: true,
  priorityExtremePoor: true,
  priorityDisability: true,
};

/** Passes every NTT rule: a 45-year-old farmer in Ende, decile 2. */
const OK: Candidate = {
  birthDate: '1980-03-15',
  villageCode: '53.08.01.2001',
  occupation: 'petani',
  dtsenDecile: 2,
  extremePoor: false,
  disability: false,
  activeBpjs: false,
  otherActiveProgramme: null,
};

function judge(change: Partial<Candidate>, rules: EligibilityRules = NTT_RULES, coverageStart = START): EligibilityDecision {
  return evaluateEligibility(rules, { ...OK, ...change }, { coverageStart });
}

function failed(d: EligibilityDecision): string[] {
  return d.failures.map((f) => f.rule);
}

describe('evaluateEligibility: the happy path', () => {
  it('passes a candidate who meets every rule', () => {
    expect(judge({})).toEqual({ eligible: true, decidedBy: 'all_rules_passed', failures: [] });
  });

  it('passes anyone when there are no rules', () => {
    const anyone: Candidate = {
      birthDate: 'rubbish',
      villageCode: '',
      occupation: null,
      dtsenDecile: null,
      extremePoor: false,
      disability: false,
      activeBpjs: true,
      otherActiveProgramme: 'NTT-2026',
    };
    expect(evaluateEligibility({}, anyone, { coverageStart: START }).eligible).toBe(true);
  });

  it('treats false flags as rules that are off', () => {
    const rules: EligibilityRules = { requireInformalOccupation: false, excludeActiveBpjs: false, excludeOtherActiveProgramme: false };
    expect(judge({ occupation: null, activeBpjs: true, otherActiveProgramme: 'X' }, rules).eligible).toBe(true);
  });

  it('rules are JSON: a stored-and-loaded copy decides the same', () => {
    const loaded = JSON.parse(JSON.stringify(NTT_RULES)) as EligibilityRules;
    expect(judge({ dtsenDecile: 7 }, loaded)).toEqual(judge({ dtsenDecile: 7 }));
  });
});

describe('evaluateEligibility: DTSEN decile', () => {
  it('passes decile 1 and the limit itself, fails above it', () => {
    expect(judge({ dtsenDecile: 1 }).eligible).toBe(true);
    expect(judge({ dtsenDecile: 4 }).eligible).toBe(true);
    const d = judge({ dtsenDecile: 5 });
    expect(d).toMatchObject({ eligible: false, decidedBy: 'decile' });
    expect(d.failures[0]?.message).toEqual({
      id: 'Desil DTSEN 5; program ini hanya untuk desil 1–4. Tidak memenuhi syarat kecuali desilnya diperbarui di DTSEN.',
      en: 'DTSEN decile is 5; the programme only covers deciles 1–4. Not eligible unless the decile is updated in DTSEN.',
    });
  });

  it('fails a missing decile and says how to fix it, naming the priority exemptions', () => {
    const d = judge({ dtsenDecile: null });
    expect(d.decidedBy).toBe('decile');
    expect(d.failures[0]?.message.id).toContain('Desil DTSEN belum diisi');
    expect(d.failures[0]?.message.id).toContain('miskin ekstrem (P3KE) atau penyandang disabilitas');
    expect(d.failures[0]?.message.en).toContain('or flag the person as extreme poor (P3KE) or a person with a disability');
  });

  it('a missing decile passes for the extreme poor when that priority is on', () => {
    expect(judge({ dtsenDecile: null, extremePoor: true }).eligible).toBe(true);
    expect(judge({ dtsenDecile: null, extremePoor: true }, { ...NTT_RULES, priorityExtremePoor: false }).decidedBy).toBe('decile');
  });

  it('a missing decile passes for people with a disability when that priority is on', () => {
    expect(judge({ dtsenDecile: null, disability: true }).eligible).toBe(true);
    expect(judge({ dtsenDecile: null, disability: true }, { ...NTT_RULES, priorityDisability: false }).decidedBy).toBe('decile');
  });

  it('a recorded decile above the limit fails even for priority groups', () => {
    expect(judge({ dtsenDecile: 8, extremePoor: true, disability: true }).decidedBy).toBe('decile');
  });

  it('without priority flags the missing-decile message offers no exemption', () => {
    const d = judge({ dtsenDecile: null }, { maxDecile: 5 });
    expect(d.failures[0]?.message).toEqual({
      id: 'Desil DTSEN belum diisi; program ini hanya untuk desil 1–5. Isi desil dari data DTSEN.',
      en: 'The DTSEN decile is missing; the programme only covers deciles 1–5. Fill in the decile from DTSEN.',
    });
  });

  it.each([[0], [11], [2.5], [Number.NaN]])('decile %s is invalid', (decile) => {
    const d = judge({ dtsenDecile: decile });
    expect(d.decidedBy).toBe('decile');
    expect(d.failures[0]?.message.en).toContain('whole number from 1 to 10');
  });
});

describe('evaluateEligibility: informal occupation', () => {
  it.each(DEFAULT_INFORMAL_OCCUPATIONS.map((o) => [o]))('%s counts as informal by default', (occupation) => {
    expect(judge({ occupation }).eligible).toBe(true);
  });

  it('ignores case and surrounding spaces', () => {
    expect(judge({ occupation: ' Nelayan ' }).eligible).toBe(true);
  });

  it('fails a missing occupation', () => {
    for (const occupation of [null, '', '  ']) {
      const d = judge({ occupation });
      expect(d.decidedBy).toBe('informal_occupation');
      expect(d.failures[0]?.message.en).toContain('The occupation is missing');
    }
  });

  it('fails an occupation outside the list and names what is accepted', () => {
    const d = judge({ occupation: 'pns' });
    expect(d.decidedBy).toBe('informal_occupation');
    expect(d.failures[0]?.message.id).toContain('Pekerjaan "pns" tidak termasuk');
    expect(d.failures[0]?.message.en).toContain('petani, nelayan');
  });

  it('uses the programme’s own list when given', () => {
    const rules: EligibilityRules = { requireInformalOccupation: true, informalOccupations: ['nelayan'] };
    expect(judge({ occupation: 'nelayan' }, rules).eligible).toBe(true);
    expect(judge({ occupation: 'petani' }, rules).decidedBy).toBe('informal_occupation');
  });
});

describe('ageOn', () => {
  it('counts whole years; the birthday itself completes the year', () => {
    expect(ageOn('1960-07-01', '2025-07-01')).toBe(65);
    expect(ageOn('1960-07-02', '2025-07-01')).toBe(64);
    expect(ageOn('1960-06-30', '2025-07-01')).toBe(65);
    expect(ageOn('1960-12-31', '2025-01-01')).toBe(64);
  });

  it('29 February birthdays: a year older on 1 March in common years, on 29 February in leap years', () => {
    expect(ageOn('2000-02-29', '2025-02-28')).toBe(24);
    expect(ageOn('2000-02-29', '2025-03-01')).toBe(25);
    expect(ageOn('2000-02-29', '2024-02-28')).toBe(23);
    expect(ageOn('2000-02-29', '2024-02-29')).toBe(24);
  });

  it('is null for unreadable or impossible dates', () => {
    expect(ageOn('1980-02-30', START)).toBeNull();
    expect(ageOn('15/03/1980', START)).toBeNull();
    expect(ageOn('1980-03-15', '2025-13-01')).toBeNull();
  });
});

describe('evaluateEligibility: age at coverage start', () => {
  it('fails above the maximum with the age and the limit, in both languages', () => {
    const d = judge({ birthDate: '1958-01-10' });
    expect(d).toMatchObject({ eligible: false, decidedBy: 'max_age' });
    expect(d.failures[0]?.message).toEqual({
      id: 'Umur pada awal kepesertaan (1 Juli 2025) 67 tahun; batas program 65 tahun. Tidak memenuhi syarat; periksa tanggal lahir bila keliru.',
      en: "Age at coverage start (1 July 2025) is 67; the programme's limit is 65. Not eligible; check the birth date if it is wrong.",
    });
  });

  it('the maximum age itself passes until the next birthday', () => {
    expect(judge({ birthDate: '1959-07-02' }).eligible).toBe(true); // 65 on 1 July 2025, 66 the next day
    expect(judge({ birthDate: '1959-07-01' }).decidedBy).toBe('max_age'); // 66 exactly on the start
  });

  it('below the minimum fails; the birthday on the start date passes', () => {
    expect(judge({ birthDate: '2007-07-02' }).decidedBy).toBe('min_age'); // 17
    expect(judge({ birthDate: '2007-07-01' }).eligible).toBe(true); // 18 on the day
    const d = judge({ birthDate: '2001-01-01' }, { minAge: 25 }); // Ende uses 25
    expect(d.failures[0]?.message.id).toBe(
      'Umur pada awal kepesertaan (1 Juli 2025) 24 tahun; batas minimal program 25 tahun. Belum memenuhi syarat; periksa tanggal lahir bila keliru.',
    );
  });

  it('uses the coverage start, not the date of checking: the same person differs per programme', () => {
    expect(judge({ birthDate: '1960-03-15' }, NTT_RULES, '2025-07-01').eligible).toBe(true); // 65
    expect(judge({ birthDate: '1960-03-15' }, NTT_RULES, '2026-01-01').eligible).toBe(true); // still 65
    expect(judge({ birthDate: '1960-03-15' }, NTT_RULES, '2026-04-01').decidedBy).toBe('max_age'); // 66
  });

  it('29 February birthdays at the limit', () => {
    const rules: EligibilityRules = { maxAge: 65 };
    expect(judge({ birthDate: '1960-02-29' }, rules, '2026-02-28').eligible).toBe(true); // still 65
    expect(judge({ birthDate: '1960-02-29' }, rules, '2026-03-01').decidedBy).toBe('max_age'); // 66
  });

  it('an unreadable birth date fails as birth_date once, not as both age rules', () => {
    const d = judge({ birthDate: '31-12-1980' });
    expect(failed(d)).toEqual(['birth_date']);
    expect(d.failures[0]?.message.id).toContain('Tanggal lahir "31-12-1980" tidak terbaca');
  });

  it('a birth date after the coverage start fails as birth_date', () => {
    const d = judge({ birthDate: '2025-07-02' });
    expect(failed(d)).toEqual(['birth_date']);
    expect(d.failures[0]?.message.en).toBe('Birth date 2 July 2025 is after the coverage start (1 July 2025). Check the birth date on the KTP.');
  });

  it('the birth date is not checked when the programme has no age rule', () => {
    expect(judge({ birthDate: 'unknown' }, { maxDecile: 4 }).eligible).toBe(true);
  });

  it('a bad coverage start is a setup error and throws', () => {
    expect(() => judge({}, NTT_RULES, '2025-02-30')).toThrow(RangeError);
    expect(() => judge({}, NTT_RULES, '')).toThrow(/coverageStart/);
  });
});

describe('evaluateEligibility: residency', () => {
  it('accepts villages inside the province, regency or district', () => {
    expect(judge({}, { residencyArea: '53' }).eligible).toBe(true);
    expect(judge({}, { residencyArea: '53.08' }).eligible).toBe(true);
    expect(judge({}, { residencyArea: '53.08.01' }).eligible).toBe(true);
    expect(judge({}, { residencyArea: '53.08.01.2001' }).eligible).toBe(true);
  });

  it('rejects villages elsewhere, matching whole code parts only', () => {
    const d = judge({}, { residencyArea: '53.07' });
    expect(d.decidedBy).toBe('residency');
    expect(d.failures[0]?.message.en).toContain("Village 53.08.01.2001 is outside the programme's area (53.07)");
    expect(judge({ villageCode: '53.71.01.1001' }, { residencyArea: '53.7' }).decidedBy).toBe('residency');
    expect(judge({ villageCode: '52.01.01.2001' }, { residencyArea: '53' }).decidedBy).toBe('residency');
  });

  it('fails a missing village', () => {
    const d = judge({ villageCode: ' ' }, { residencyArea: '53' });
    expect(d.decidedBy).toBe('residency');
    expect(d.failures[0]?.message.id).toContain('Desa/kelurahan domisili belum diisi');
  });
});

describe('evaluateEligibility: existing coverage', () => {
  it('fails an active BPJS TK participant', () => {
    const d = judge({ activeBpjs: true });
    expect(d.decidedBy).toBe('active_bpjs');
    expect(d.failures[0]?.message.id).toContain('peserta aktif BPJS Ketenagakerjaan');
  });

  it('fails someone active in another programme, naming it', () => {
    const d = judge({ otherActiveProgramme: 'ENDE-2025' });
    expect(d.decidedBy).toBe('other_programme');
    expect(d.failures[0]?.message.id).toContain('program ENDE-2025');
    expect(d.failures[0]?.message.en).toContain('programme ENDE-2025');
  });

  it('treats a blank programme code as none', () => {
    expect(judge({ otherActiveProgramme: '  ' }).eligible).toBe(true);
  });
});

describe('evaluateEligibility: several failures', () => {
  it('lists every failure in RULE_CODES order; the first decides', () => {
    const d = judge({
      dtsenDecile: 9,
      occupation: 'pns',
      birthDate: '1950-01-01',
      villageCode: '52.01.01.2001',
      activeBpjs: true,
      otherActiveProgramme: 'X',
    });
    expect(d.eligible).toBe(false);
    expect(d.decidedBy).toBe('decile');
    expect(failed(d)).toEqual(['decile', 'informal_occupation', 'max_age', 'residency', 'active_bpjs', 'other_programme']);
  });

  it('min_age and max_age can both fail when the window is impossible', () => {
    // checkRules reports such a window; evaluation still reports honestly what fails.
    expect(failed(judge({ birthDate: '1990-01-01' }, { minAge: 40, maxAge: 30 }))).toEqual(['min_age', 'max_age']); // 35
    expect(failed(judge({ birthDate: '1950-01-01' }, { minAge: 40, maxAge: 30 }))).toEqual(['max_age']); // 75
  });

  it('every failure carries a non-empty Indonesian and English message', () => {
    const d = judge({ dtsenDecile: null, occupation: null, birthDate: '1900-01-01', villageCode: '', activeBpjs: true, otherActiveProgramme: 'X' });
    expect(d.failures).toHaveLength(6);
    for (const f of d.failures) {
      expect(RULE_CODES).toContain(f.rule);
      expect(f.message.id.length).toBeGreaterThan(30);
      expect(f.message.en.length).toBeGreaterThan(30);
      expect(f.message.id).not.toBe(f.message.en);
    }
  });
});

describe('checkRules', () => {
  it('accepts the NTT rules and an empty rule set', () => {
    expect(checkRules(NTT_RULES)).toEqual([]);
    expect(checkRules({})).toEqual([]);
  });

  it('reports each broken setting', () => {
    const problems = checkRules({ maxDecile: 11, minAge: -1, maxAge: 65.5, residencyArea: 'NTT', informalOccupations: [] });
    expect(problems.map((p) => p.field)).toEqual(['maxDecile', 'minAge', 'maxAge', 'residencyArea', 'informalOccupations']);
    for (const p of problems) expect(p.message.id).not.toBe(p.message.en);
  });

  it('reports a minimum age above the maximum', () => {
    const problems = checkRules({ minAge: 70, maxAge: 65 });
    expect(problems).toHaveLength(1);
    expect(problems[0]?.message.en).toContain('nobody could qualify');
  });

  it.each([['53'], ['53.08'], ['53.08.01'], ['53.08.01.2001']])('area %s is a valid code', (area) => {
    expect(checkRules({ residencyArea: area })).toEqual([]);
  });

  it.each([['5'], ['53.8'], ['53.08.'], ['53-08'], [' 53']])('area %s is not', (area) => {
    expect(checkRules({ residencyArea: area }).map((p) => p.field)).toEqual(['residencyArea']);
  });
});
