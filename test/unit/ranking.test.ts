import { describe, it, expect } from 'vitest';
import { compareRankKeys, rankCandidates, splitByQuota, type RankKey } from '../../src/domain/ranking.js';

interface Person extends RankKey {
  name: string;
}

/** A baseline person; each test changes only the fields it is about. */
function p(name: string, change: Partial<RankKey> = {}): Person {
  return { name, extremePoor: false, disability: false, dtsenDecile: 3, birthDate: '1980-01-01', tiebreak: name, ...change };
}

const rank = (items: Person[]): string[] => rankCandidates(items, (x) => x).map((x) => x.name);

describe('rankCandidates: each criterion decides when the earlier ones tie', () => {
  it('extreme poor first, over every later criterion', () => {
    const a = p('a', { extremePoor: false, disability: true, dtsenDecile: 1, birthDate: '1940-01-01', tiebreak: '0' });
    const b = p('b', { extremePoor: true, disability: false, dtsenDecile: 4, birthDate: '2000-01-01', tiebreak: 'z' });
    expect(rank([a, b])).toEqual(['b', 'a']);
  });

  it('then disability', () => {
    const a = p('a', { disability: false, dtsenDecile: 1, birthDate: '1940-01-01', tiebreak: '0' });
    const b = p('b', { disability: true, dtsenDecile: 4, birthDate: '2000-01-01', tiebreak: 'z' });
    expect(rank([a, b])).toEqual(['b', 'a']);
  });

  it('then the lower DTSEN decile, with an unknown decile last', () => {
    const d1 = p('d1', { dtsenDecile: 1, birthDate: '2000-01-01', tiebreak: 'z' });
    const d2 = p('d2', { dtsenDecile: 2, birthDate: '1940-01-01' });
    const none = p('none', { dtsenDecile: null, birthDate: '1930-01-01', tiebreak: '0' });
    expect(rank([none, d2, d1])).toEqual(['d1', 'd2', 'none']);
  });

  it('then the older person (earlier birth date), unknown birth date last', () => {
    const old = p('old', { birthDate: '1950-12-31', tiebreak: 'z' });
    const young = p('young', { birthDate: '1951-01-01', tiebreak: '0' });
    const unknown = p('unknown', { birthDate: null, tiebreak: '00' });
    expect(rank([unknown, young, old])).toEqual(['old', 'young', 'unknown']);
  });

  it('then the stable key', () => {
    const x = p('x', { tiebreak: '5301021503850002' });
    const y = p('y', { tiebreak: '5301021503850001' });
    expect(rank([x, y])).toEqual(['y', 'x']);
  });

  it('numeric keys sort as numbers (9 before 10) and before text keys', () => {
    expect(rank([p('t', { tiebreak: 'a' }), p('10', { tiebreak: 10 }), p('9', { tiebreak: 9 })])).toEqual(['9', '10', 't']);
  });

  it('text keys compare by code unit, not locale', () => {
    expect(rank([p('lower', { tiebreak: 'a' }), p('upper', { tiebreak: 'B' })])).toEqual(['upper', 'lower']);
  });

  it('orders a mixed list by the full priority', () => {
    const items = [
      p('plain-d4', { dtsenDecile: 4 }),
      p('disabled-d5', { disability: true, dtsenDecile: 5 }),
      p('extreme-none', { extremePoor: true, dtsenDecile: null }),
      p('extreme-disabled', { extremePoor: true, disability: true, dtsenDecile: 4 }),
      p('plain-d1-young', { dtsenDecile: 1, birthDate: '2001-05-05' }),
      p('plain-d1-old', { dtsenDecile: 1, birthDate: '1955-05-05' }),
      p('extreme-d2', { extremePoor: true, dtsenDecile: 2 }),
    ];
    expect(rank(items)).toEqual([
      'extreme-disabled',
      'extreme-d2',
      'extreme-none',
      'disabled-d5',
      'plain-d1-old',
      'plain-d1-young',
      'plain-d4',
    ]);
  });
});

describe('rankCandidates: determinism and stability', () => {
  it('gives the same order whatever the input order', () => {
    const items = Array.from({ length: 50 }, (_, i) =>
      p(`n${i}`, { extremePoor: i % 7 === 0, disability: i % 5 === 0, dtsenDecile: i % 11 === 0 ? null : (i % 4) + 1, birthDate: `19${50 + (i % 9)}-01-01` }),
    );
    const expected = rank(items);
    expect(rank([...items].reverse())).toEqual(expected);
    // A fixed shuffle (every 7th item first, stepping through the list).
    expect(rank(items.map((_, i) => items[(i * 7) % 50] as Person))).toEqual(expected);
  });

  it('keeps the input order of items with identical keys', () => {
    const same = { extremePoor: false, disability: false, dtsenDecile: 2, birthDate: '1970-01-01', tiebreak: 'k' };
    const items = ['first', 'second', 'third'].map((name) => ({ name, ...same }));
    expect(rank(items)).toEqual(['first', 'second', 'third']);
    expect(rank([...items].reverse())).toEqual(['third', 'second', 'first']);
  });

  it('does not change the input array and calls the key once per item', () => {
    const items = [p('b', { dtsenDecile: 2 }), p('a', { dtsenDecile: 1 })];
    let calls = 0;
    const ranked = rankCandidates(items, (x) => {
      calls += 1;
      return x;
    });
    expect(ranked.map((x) => x.name)).toEqual(['a', 'b']);
    expect(items.map((x) => x.name)).toEqual(['b', 'a']);
    expect(calls).toBe(2);
  });

  it('works on any item type through the key function', () => {
    const rows = [
      { id: 2, nik: '5301', dtsen: 2, p3ke: false },
      { id: 1, nik: '5302', dtsen: 2, p3ke: true },
    ];
    const ranked = rankCandidates(rows, (r) => ({ extremePoor: r.p3ke, disability: false, dtsenDecile: r.dtsen, birthDate: null, tiebreak: r.id }));
    expect(ranked.map((r) => r.id)).toEqual([1, 2]);
  });

  it('handles an empty list', () => {
    expect(rankCandidates([], (x: Person) => x)).toEqual([]);
  });

  it('compareRankKeys is 0 only for identical keys and antisymmetric', () => {
    const a = p('a');
    const b = p('b', { dtsenDecile: 4 });
    expect(compareRankKeys(a, { ...a })).toBe(0);
    expect(Math.sign(compareRankKeys(a, b))).toBe(-1);
    expect(Math.sign(compareRankKeys(b, a))).toBe(1);
  });
});

describe('splitByQuota', () => {
  const ranked = ['r1', 'r2', 'r3', 'r4', 'r5'];

  it('takes the first `quota` items and numbers the waiting list from 1', () => {
    expect(splitByQuota(ranked, 2)).toEqual({
      within: ['r1', 'r2'],
      waiting: [
        { item: 'r3', position: 1 },
        { item: 'r4', position: 2 },
        { item: 'r5', position: 3 },
      ],
    });
  });

  it('quota 0: everyone waits, in rank order', () => {
    const split = splitByQuota(ranked, 0);
    expect(split.within).toEqual([]);
    expect(split.waiting.map((w) => [w.item, w.position])).toEqual([
      ['r1', 1],
      ['r2', 2],
      ['r3', 3],
      ['r4', 4],
      ['r5', 5],
    ]);
  });

  it('quota equal to or larger than the list: nobody waits', () => {
    expect(splitByQuota(ranked, 5)).toEqual({ within: ranked, waiting: [] });
    expect(splitByQuota(ranked, 1_000)).toEqual({ within: ranked, waiting: [] });
  });

  it('an empty list', () => {
    expect(splitByQuota([], 3)).toEqual({ within: [], waiting: [] });
  });

  it('does not change its input', () => {
    const input = [...ranked];
    splitByQuota(input, 2);
    expect(input).toEqual(ranked);
  });

  it.each([[-1], [1.5], [Number.NaN], [Number.POSITIVE_INFINITY]])('quota %s throws', (quota) => {
    expect(() => splitByQuota(ranked, quota)).toThrow(RangeError);
  });

  it('ranks then splits: extreme poor get the places when the quota is short', () => {
    const people = [p('plain', { dtsenDecile: 1 }), p('extreme', { extremePoor: true, dtsenDecile: 4 }), p('disabled', { disability: true })];
    const split = splitByQuota(rankCandidates(people, (x) => x), 2);
    expect(split.within.map((x) => x.name)).toEqual(['extreme', 'disabled']);
    expect(split.waiting.map((w) => [w.item.name, w.position])).toEqual([['plain', 1]]);
  });
});
