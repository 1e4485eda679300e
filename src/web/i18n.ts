/** Screen texts: Indonesian first, English second. */
import type { Lang, Message } from '../domain/messages.js';

const T = {
  app_tagline: { id: 'Perlindungan Jamsostek bagi pekerja rentan', en: 'Social security for vulnerable workers' },
  nav_home: { id: 'Beranda', en: 'Home' },
  nav_registry: { id: 'Registri Pekerja', en: 'Worker registry' },
  nav_account: { id: 'Akun', en: 'Account' },
  nav_programmes: { id: 'Program & Kuota', en: 'Programmes & quotas' },
  nav_intake: { id: 'Usulan', en: 'Proposals' },
  nav_public: { id: 'Data Publik', en: 'Public data' },
  nav_skip: { id: 'Langsung ke isi', en: 'Skip to content' },
  sign_in: { id: 'Masuk', en: 'Sign in' },
  sign_out: { id: 'Keluar', en: 'Sign out' },
  username: { id: 'Nama pengguna', en: 'Username' },
  password: { id: 'Kata sandi', en: 'Password' },
  current_password: { id: 'Kata sandi saat ini', en: 'Current password' },
  new_password: { id: 'Kata sandi baru', en: 'New password' },
  change_password: { id: 'Ganti kata sandi', en: 'Change password' },
  password_changed: { id: 'Kata sandi sudah diganti.', en: 'Your password has been changed.' },
  must_change_password: { id: 'Ganti kata sandi awal Anda sebelum melanjutkan.', en: 'Change your initial password before you continue.' },
  synthetic_banner: { id: 'DATA DEMO SINTETIS — bukan data orang sungguhan.', en: 'SYNTHETIC DEMO DATA — not real people.' },
  home_title: { id: 'Pekerja terdaftar per kabupaten/kota', en: 'Registered workers per regency' },
  total: { id: 'Jumlah', en: 'Total' },
  workers: { id: 'Pekerja', en: 'Workers' },
  women: { id: 'Perempuan', en: 'Women' },
  extreme_poor: { id: 'Miskin ekstrem', en: 'Extremely poor' },
  disability: { id: 'Disabilitas', en: 'Disability' },
  regency: { id: 'Kabupaten/Kota', en: 'Regency' },
  search: { id: 'Cari', en: 'Search' },
  search_label: { id: 'NIK (16 angka) atau awal nama', en: 'NIK (16 digits) or start of name' },
  area_label: { id: 'Wilayah (kode Kemendagri)', en: 'Area (Kemendagri code)' },
  all_areas: { id: 'Semua wilayah Anda', en: 'All of your area' },
  sort_label: { id: 'Urutkan', en: 'Sort by' },
  sort_name: { id: 'Nama', en: 'Name' },
  sort_birth_date: { id: 'Tanggal lahir', en: 'Birth date' },
  sort_newest: { id: 'Terbaru', en: 'Newest' },
  name: { id: 'Nama', en: 'Name' },
  nik: { id: 'NIK', en: 'NIK' },
  kk: { id: 'Nomor KK', en: 'Family card (KK)' },
  birth: { id: 'Tempat, tanggal lahir', en: 'Place, date of birth' },
  birth_date: { id: 'Tanggal lahir', en: 'Birth date' },
  sex: { id: 'Jenis kelamin', en: 'Sex' },
  sex_L: { id: 'Laki-laki', en: 'Male' },
  sex_P: { id: 'Perempuan', en: 'Female' },
  village: { id: 'Desa/Kelurahan', en: 'Village' },
  address: { id: 'Alamat', en: 'Address' },
  phone: { id: 'Nomor HP', en: 'Mobile number' },
  occupation: { id: 'Pekerjaan', en: 'Occupation' },
  marital_status: { id: 'Status perkawinan', en: 'Marital status' },
  declared_income: { id: 'Penghasilan dilaporkan', en: 'Declared income' },
  decile: { id: 'Desil DTSEN', en: 'DTSEN decile' },
  flags: { id: 'Prioritas', en: 'Priority' },
  bank: { id: 'Rekening bank', en: 'Bank account' },
  heirs: { id: 'Ahli waris', en: 'Heirs' },
  relation: { id: 'Hubungan', en: 'Relation' },
  household: { id: 'Anggota KK yang juga terdaftar', en: 'Registered members of the same family card' },
  history: { id: 'Riwayat perubahan', en: 'Change history' },
  when: { id: 'Waktu', en: 'When' },
  who: { id: 'Oleh', en: 'By' },
  what: { id: 'Perubahan', en: 'Change' },
  none: { id: 'Tidak ada', en: 'None' },
  no_results: { id: 'Tidak ada pekerja yang cocok. Periksa ejaan nama atau NIK, atau pilih wilayah lain.', en: 'No matching workers. Check the spelling of the name or NIK, or pick another area.' },
  next_page: { id: 'Halaman berikutnya', en: 'Next page' },
  prev_page: { id: 'Halaman sebelumnya', en: 'Previous page' },
  page: { id: 'Halaman', en: 'Page' },
  back_to_list: { id: 'Kembali ke daftar', en: 'Back to list' },
  yes: { id: 'Ya', en: 'Yes' },
  no: { id: 'Tidak', en: 'No' },
  op_I: { id: 'dibuat', en: 'created' },
  op_U: { id: 'diubah', en: 'changed' },
  op_D: { id: 'dihapus', en: 'deleted' },
  table_person: { id: 'Data pekerja', en: 'Worker record' },
  table_heir: { id: 'Ahli waris', en: 'Heir' },
  error_title: { id: 'Terjadi masalah', en: 'Something went wrong' },
  go_home: { id: 'Ke beranda', en: 'Go home' },
  public_title: { id: 'Data publik: pekerja rentan yang terdaftar', en: 'Public data: registered vulnerable workers' },
  public_note: { id: 'Hanya angka gabungan per kabupaten/kota; tidak ada data pribadi.', en: 'Aggregates per regency only; no personal data.' },
  signed_in_as: { id: 'Masuk sebagai', en: 'Signed in as' },
  language: { id: 'Bahasa', en: 'Language' },
  edit: { id: 'Ubah data kontak', en: 'Edit contact details' },
  save: { id: 'Simpan', en: 'Save' },
  saved: { id: 'Perubahan tersimpan dan tercatat di riwayat.', en: 'Saved, and recorded in the history.' },
  masked_note: { id: 'Sebagian nomor disamarkan sesuai peran Anda (UU 27/2022).', en: 'Some numbers are masked for your role (UU 27/2022).' },
} satisfies Record<string, Message>;

export type TextKey = keyof typeof T;

export function t(lang: Lang, key: TextKey): string {
  return T[key][lang];
}

export function formatDate(value: string | Date | null, lang: Lang): string {
  if (value === null) return '—';
  const d = typeof value === 'string' ? new Date(`${value}T00:00:00Z`) : value;
  return d.toLocaleDateString(lang === 'id' ? 'id-ID' : 'en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
}

export function formatDateTime(value: Date, lang: Lang): string {
  return value.toLocaleString(lang === 'id' ? 'id-ID' : 'en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Asia/Makassar' }) + ' WITA';
}

export function formatNumber(n: number, lang: Lang): string {
  return n.toLocaleString(lang === 'id' ? 'id-ID' : 'en-GB');
}

/** Rupiah the Indonesian way (Rp10.080.000.000): one rule for screens, files and letters. */
export { formatRupiah } from '../domain/money.js';
