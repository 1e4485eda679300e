import { describe, expect, it } from 'vitest';
import { CopyLines, copyField } from '../../src/db/copy-lines.js';

describe('CopyLines', () => {
  it('joins the lines as UTF-8 with a newline after each, and counts them', () => {
    const w = new CopyLines(4);
    w.add('1,"Maria Goreti"');
    w.add('2,"Ñoño ☀ Lú"');
    expect(w.count).toBe(2);
    const bytes = w.take();
    expect(new TextDecoder().decode(bytes)).toBe('1,"Maria Goreti"\n2,"Ñoño ☀ Lú"\n');
    // 16 + 13 characters and two newlines; Ñ ñ ú take two bytes each, ☀ three.
    expect(bytes.length).toBe(16 + 13 + 2 + 3 * 1 + 2);
  });

  it('grows past its first buffer without losing what came before', () => {
    const w = new CopyLines(8);
    const lines = Array.from({ length: 1000 }, (_, i) => `${i},"${'x'.repeat(i % 37)}"`);
    for (const l of lines) w.add(l);
    expect(new TextDecoder().decode(w.take())).toBe(lines.join('\n') + '\n');
  });

  it('starts empty after take, and a taken buffer is not overwritten by later lines', () => {
    const w = new CopyLines(64);
    w.add('first');
    const a = w.take();
    expect(w.count).toBe(0);
    w.add('other');
    const b = w.take();
    expect(new TextDecoder().decode(a)).toBe('first\n');
    expect(new TextDecoder().decode(b)).toBe('other\n');
    expect(w.take().length).toBe(0);
  });
});

describe('copyField', () => {
  it('leaves NULL unquoted, quotes all text (empty text too) and doubles its quotes', () => {
    expect([null, '', 'Kupang', 'Yohanes "Jo" Bria', 16800, true].map(copyField).join(','))
      .toBe(',"","Kupang","Yohanes ""Jo"" Bria",16800,true');
  });
});
