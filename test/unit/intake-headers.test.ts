import { describe, it, expect } from 'vitest';
import {
  AREA_BY_NAMES,
  FIELD_LABELS,
  FIELDS,
  REQUIRED_FIELDS,
  columnLetter,
  findHeaderRow,
  headerKey,
  mapHeaders,
  matchHeader,
  type Field,
} from '../../src/features/intake/headers.js';

function field(header: string): Field | null {
  return matchHeader(header)?.field ?? null;
}

describe('matchHeader: real header variants', () => {
  it.each<[string, Field]>([
    // NIK
    ['NIK', 'nik'], ['nik', 'nik'], ['No. NIK', 'nik'], ['No NIK', 'nik'], ['NO.NIK', 'nik'], ['Nomor NIK', 'nik'],
    ['Nomor Induk Kependudukan', 'nik'], ['NOMOR INDUK KEPENDUDUKAN', 'nik'], ['NIK KTP', 'nik'], ['No. KTP', 'nik'],
    ['NIK (16 digit)', 'nik'], ['NIK*', 'nik'], ['NIK (wajib)', 'nik'], ['\ufeffNIK', 'nik'], [' NIK ', 'nik'], ['National ID', 'nik'],
    // KK
    ['No. KK', 'kk'], ['No KK', 'kk'], ['Nomor KK', 'kk'], ['Nomor Kartu Keluarga', 'kk'], ['NO. KARTU KELUARGA', 'kk'], ['KK', 'kk'],
    ['NoKK', 'kk'], ['Family card number', 'kk'],
    // Name
    ['Nama', 'full_name'], ['NAMA', 'full_name'], ['Nama Lengkap', 'full_name'], ['Nama Sesuai KTP', 'full_name'],
    ['Nama Lengkap (sesuai KTP)', 'full_name'], ['Nama Peserta', 'full_name'], ['Full name', 'full_name'], ['Name', 'full_name'],
    // Birth
    ['Tempat Lahir', 'birth_place'], ['TEMPAT LAHIR', 'birth_place'], ['Tmp. Lahir', 'birth_place'], ['Place of birth', 'birth_place'],
    ['Tgl Lahir', 'birth_date'], ['Tgl. Lahir', 'birth_date'], ['TGL LAHIR', 'birth_date'], ['Tanggal Lahir', 'birth_date'],
    ['Tanggal Lahir (dd/mm/yyyy)', 'birth_date'], ['Tanggal Lahir (DD-MM-YYYY)*', 'birth_date'], ['TglLahir', 'birth_date'],
    ['Date of birth', 'birth_date'], ['DOB', 'birth_date'],
    ['TTL', 'birth_place_date'], ['T.T.L', 'birth_place_date'], ['Tempat, Tanggal Lahir', 'birth_place_date'],
    ['Tempat/Tgl Lahir', 'birth_place_date'], ['Tempat / Tanggal Lahir', 'birth_place_date'], ['Tempat dan Tanggal Lahir', 'birth_place_date'],
    // Sex, marital status
    ['Jenis Kelamin', 'sex'], ['JENIS KELAMIN', 'sex'], ['JK', 'sex'], ['L/P', 'sex'], ['L / P', 'sex'], ['Jenis Kelamin (L/P)', 'sex'],
    ['Gender', 'sex'], ['Sex', 'sex'],
    ['Status Perkawinan', 'marital_status'], ['Status Kawin', 'marital_status'], ['Marital status', 'marital_status'],
    // Area
    ['Alamat', 'address'], ['ALAMAT LENGKAP', 'address'], ['Address', 'address'],
    ['Desa', 'village'], ['Desa/Kelurahan', 'village'], ['DESA / KELURAHAN', 'village'], ['Kelurahan', 'village'], ['Kelurahan/Desa', 'village'],
    ['Nama Desa', 'village'], ['Village', 'village'],
    ['Kecamatan', 'district'], ['Kec.', 'district'], ['KECAMATAN', 'district'], ['District', 'district'],
    ['Kabupaten', 'regency'], ['Kab/Kota', 'regency'], ['Kab./Kota', 'regency'], ['Kabupaten/Kota', 'regency'], ['Kota', 'regency'],
    ['Regency', 'regency'],
    ['Provinsi', 'province'],
    ['Kode Wilayah', 'area_code'], ['Kode Desa', 'area_code'], ['KODE DESA', 'area_code'], ['Kode Wilayah Kemendagri', 'area_code'],
    ['Kode Desa/Kelurahan', 'area_code'],
    // Contact and work
    ['No HP', 'phone'], ['No. HP', 'phone'], ['No. Telp', 'phone'], ['Nomor HP/WA', 'phone'], ['No. HP/WA', 'phone'], ['Telepon', 'phone'],
    ['No WhatsApp', 'phone'], ['Phone number', 'phone'],
    ['Pekerjaan', 'occupation'], ['Jenis Pekerjaan', 'occupation'], ['PEKERJAAN', 'occupation'], ['Occupation', 'occupation'],
    ['Penghasilan', 'declared_income'], ['Penghasilan (Rp)', 'declared_income'], ['Penghasilan per Bulan', 'declared_income'],
    ['Pendapatan', 'declared_income'], ['Income', 'declared_income'],
    // Targeting
    ['Desil', 'dtsen_decile'], ['Desil DTSEN', 'dtsen_decile'], ['DESIL', 'dtsen_decile'], ['Desil (1-10)', 'dtsen_decile'], ['Decile', 'dtsen_decile'],
    ['Miskin Ekstrem', 'extreme_poor'], ['Miskin Ekstrim', 'extreme_poor'], ['P3KE', 'extreme_poor'], ['Status P3KE', 'extreme_poor'],
    ['Miskin Ekstrem (Ya/Tidak)', 'extreme_poor'],
    ['Disabilitas', 'disability'], ['Penyandang Disabilitas', 'disability'], ['Disabilitas (Ya/Tidak)', 'disability'],
    ['Nama Ibu Kandung', 'mother_name'], ['NAMA IBU KANDUNG', 'mother_name'], ['Ibu Kandung', 'mother_name'], ["Mother's maiden name", 'mother_name'],
    // Bank
    ['Bank', 'bank_name'], ['Nama Bank', 'bank_name'],
    ['No Rekening', 'bank_account'], ['No. Rekening', 'bank_account'], ['Nomor Rekening', 'bank_account'], ['No. Rek', 'bank_account'],
    ['No Rekening Bank NTT', 'bank_account'],
    // Others we recognise so they are not reported as unknown
    ['No', 'row_no'], ['No.', 'row_no'], ['NO', 'row_no'], ['No Urut', 'row_no'], ['Keterangan', 'note'], ['Ket.', 'note'],
  ])('%j → %s', (header, expected) => {
    const m = matchHeader(header);
    expect(m?.field).toBe(expected);
    expect(m?.how).toBe('exact');
  });

  it('handles line breaks and odd spaces inside a header cell', () => {
    expect(field('Tanggal\nLahir')).toBe('birth_date');
    expect(field('Nomor\u00a0Induk   Kependudukan')).toBe('nik');
  });

  it.each<[string, Field]>([
    ['Tangal Lahir', 'birth_date'],
    ['Tanggal Lahri', 'birth_date'],
    ['Pekerjan', 'occupation'],
    ['Kecamtan', 'district'],
    ['Nomor Induk Kependudukn', 'nik'],
    ['Jenis Klamin', 'sex'],
  ])('recognises the spelling slip %j as %s, marked fuzzy', (header, expected) => {
    const m = matchHeader(header);
    expect(m).toEqual({ field: expected, how: 'fuzzy', matched: expect.any(String) });
  });

  it.each(['Umur', 'RT/RW', 'Dusun', 'Agama', 'Pendidikan', 'Status', 'Kode', 'Desil P3KE', 'Tanda Tangan', 'Foto', 'NIKAH', '', '   '])(
    'does not guess for %j',
    (header) => {
      expect(matchHeader(header)).toBeNull();
    },
  );

  it('never fuzzes short headers into something else', () => {
    expect(matchHeader('NIX')).toBeNull();
    expect(matchHeader('KKK')).toBeNull();
    expect(matchHeader('Bang')).toBeNull();
  });

  it('headerKey lower-cases and turns punctuation into single spaces', () => {
    expect(headerKey(' No. NIK ')).toBe('no nik');
    expect(headerKey('Kab./Kota')).toBe('kab kota');
    expect(headerKey("Mother's")).toBe('mothers');
  });
});

describe('columnLetter', () => {
  it.each([[0, 'A'], [1, 'B'], [25, 'Z'], [26, 'AA'], [27, 'AB'], [51, 'AZ'], [52, 'BA'], [701, 'ZZ'], [702, 'AAA']])('%i → %s', (i, letter) => {
    expect(columnLetter(i)).toBe(letter);
  });
});

describe('mapHeaders', () => {
  it('maps a typical village file by column index', () => {
    const r = mapHeaders(['No', 'NIK', 'No. KK', 'Nama Lengkap', 'Tempat Lahir', 'Tgl Lahir', 'L/P', 'Desa', 'Kecamatan', 'Kabupaten', 'No HP', 'Pekerjaan']);
    expect(r.mapping).toEqual({
      row_no: 0, nik: 1, kk: 2, full_name: 3, birth_place: 4, birth_date: 5, sex: 6, village: 7, district: 8, regency: 9, phone: 10, occupation: 11,
    });
    expect(r.unknown).toEqual([]);
    expect(r.missing).toEqual([]);
    expect(r.duplicates).toEqual([]);
    expect(r.problems).toEqual([]);
    expect(r.ok).toBe(true);
    expect(r.area).toBe('names');
  });

  it('accepts a village code instead of area names', () => {
    const r = mapHeaders(['NIK', 'Nama', 'Tanggal Lahir', 'Jenis Kelamin', 'Kode Wilayah']);
    expect(r.ok).toBe(true);
    expect(r.area).toBe('code');
    expect(r.missing).toEqual([]);
  });

  it('prefers the code when both code and names are there', () => {
    expect(mapHeaders(['NIK', 'Nama', 'Tanggal Lahir', 'JK', 'Kode Desa', 'Desa', 'Kecamatan', 'Kabupaten']).area).toBe('code');
  });

  it('accepts TTL (place and date in one cell) for the birth date', () => {
    const r = mapHeaders(['NIK', 'Nama', 'TTL', 'JK', 'Kode Desa']);
    expect(r.ok).toBe(true);
    expect(r.mapping.birth_place_date).toBe(2);
    expect(r.missing).toEqual([]);
  });

  it('reports each missing required field as an error that says how to fix it', () => {
    const r = mapHeaders(['Nama', 'Kode Desa']);
    expect(r.ok).toBe(false);
    expect(r.missing).toEqual(['nik', 'birth_date', 'sex']);
    const missing = r.problems.filter((p) => p.code === 'header_missing');
    expect(missing.map((p) => p.field)).toEqual(['nik', 'birth_date', 'sex']);
    for (const p of missing) {
      expect(p.severity).toBe('error');
      expect(p.id).toContain('Tambahkan kolom');
      expect(p.en).toContain('Add a column');
    }
    expect(missing.find((p) => p.field === 'birth_date')?.id).toContain('Tempat, Tanggal Lahir');
  });

  it('requires an area: a code, or all of village, district and regency', () => {
    const r = mapHeaders(['NIK', 'Nama', 'Tanggal Lahir', 'JK', 'Desa']);
    expect(r.ok).toBe(false);
    expect(r.area).toBeNull();
    expect(r.missing).toEqual(['district', 'regency']);
    const area = r.problems.find((p) => p.code === 'header_area_missing');
    expect(area?.severity).toBe('error');
    expect(area?.id).toContain('Kecamatan, Kabupaten/Kota');
    expect(area?.id).toContain('Kode Wilayah');

    const none = mapHeaders(['NIK', 'Nama', 'Tanggal Lahir', 'JK']);
    expect(none.missing).toEqual([...AREA_BY_NAMES]);
    expect(none.problems.filter((p) => p.code === 'header_area_missing')).toHaveLength(1);
  });

  it('keeps unknown columns and reports them as warnings with their column letter', () => {
    const r = mapHeaders(['NIK', 'Nama', 'Tgl Lahir', 'JK', 'Kode Desa', 'Agama', 'RT/RW']);
    expect(r.ok).toBe(true);
    expect(r.unknown).toEqual(['Agama', 'RT/RW']);
    expect(r.unknownColumns).toEqual([{ index: 5, header: 'Agama' }, { index: 6, header: 'RT/RW' }]);
    const warnings = r.problems.filter((p) => p.code === 'header_unknown');
    expect(warnings.map((w) => w.column)).toEqual([5, 6]);
    expect(warnings[0]?.severity).toBe('warning');
    expect(warnings[0]?.id).toContain("F ('Agama')");
    expect(warnings[0]?.en).toContain('kept');
  });

  it('reports a field found twice as an error naming both columns', () => {
    const r = mapHeaders(['NIK', 'Nama', 'Tgl Lahir', 'JK', 'Kode Desa', 'Nomor Induk Kependudukan']);
    expect(r.ok).toBe(false);
    expect(r.duplicates).toEqual([{ field: 'nik', columns: [0, 5], headers: ['NIK', 'Nomor Induk Kependudukan'] }]);
    expect(r.mapping.nik).toBe(0);
    const dup = r.problems.find((p) => p.code === 'header_duplicate');
    expect(dup?.severity).toBe('error');
    expect(dup?.id).toContain("A ('NIK')");
    expect(dup?.id).toContain("F ('Nomor Induk Kependudukan')");
  });

  it('warns about a header read despite a spelling slip', () => {
    const r = mapHeaders(['NIK', 'Nama', 'Tangal Lahir', 'JK', 'Kode Desa']);
    expect(r.ok).toBe(true);
    expect(r.mapping.birth_date).toBe(2);
    expect(r.fuzzy).toEqual([{ index: 2, header: 'Tangal Lahir', field: 'birth_date' }]);
    const w = r.problems.find((p) => p.code === 'header_fuzzy');
    expect(w?.severity).toBe('warning');
    expect(w?.id).toContain("dibaca sebagai 'Tanggal Lahir'");
  });

  it('ignores columns with an empty header and reads non-string cells', () => {
    const r = mapHeaders(['NIK', null, 'Nama', undefined, 'Tgl Lahir', '', 'JK', 'Kode Desa', 2025, { x: 1 }]);
    expect(r.empty).toEqual([1, 3, 5, 9]);
    expect(r.unknown).toEqual(['2025']);
    expect(r.ok).toBe(true);
  });

  it('handles an empty header row', () => {
    const r = mapHeaders([]);
    expect(r.ok).toBe(false);
    expect(r.missing).toEqual([...REQUIRED_FIELDS, ...AREA_BY_NAMES]);
  });

  it('every problem has a code, both languages and a severity', () => {
    const r = mapHeaders(['Nama', 'Nama Lengkap', 'Agama', 'Tangal Lahir', 'Desa']);
    expect(r.problems.length).toBeGreaterThanOrEqual(5);
    for (const p of r.problems) {
      expect(p.code).toMatch(/^header_[a-z_]+$/);
      expect(p.id.length).toBeGreaterThan(20);
      expect(p.en.length).toBeGreaterThan(20);
      expect(['error', 'warning']).toContain(p.severity);
    }
  });

  it('has a label and at least one alias for every field', () => {
    for (const f of FIELDS) {
      expect(FIELD_LABELS[f].id).not.toBe('');
      // The template's own title must map back to the field.
      if (f !== 'birth_place_date') expect(field(FIELD_LABELS[f].id), f).toBe(f);
    }
    expect(field(FIELD_LABELS.birth_place_date.id)).toBe('birth_place_date');
  });
});

describe('findHeaderRow', () => {
  it('skips title rows and blank lines above the header', () => {
    const rows = [
      ['DAFTAR USULAN CALON PESERTA BPJS KETENAGAKERJAAN'],
      ['DESA OELNASI KECAMATAN KUPANG TENGAH'],
      [],
      ['No', 'NIK', 'Nama Lengkap', 'Tgl Lahir', 'JK', 'Desa'],
      ['1', '5301021503850001', 'Maria', '21-07-1980', 'P', 'Oelnasi'],
    ];
    expect(findHeaderRow(rows)).toBe(3);
  });

  it('returns null when no row looks like a header', () => {
    expect(findHeaderRow([['a', 'b'], ['1', '2']])).toBeNull();
    expect(findHeaderRow([])).toBeNull();
  });

  it('only scans the first rows', () => {
    const rows = [...Array.from({ length: 25 }, () => ['x']), ['NIK', 'Nama', 'Tgl Lahir']];
    expect(findHeaderRow(rows)).toBeNull();
    expect(findHeaderRow(rows, { maxScan: 30 })).toBe(25);
  });
});
