/**
 * The coded values of a person record (the CHECK constraints on person.occupation and
 * person.marital_status), with the words screens, templates and messages use for them.
 */
import type { Message } from './messages.js';

export const MARITAL_STATUSES = ['belum_kawin', 'kawin', 'cerai_hidup', 'cerai_mati'] as const;
export type MaritalStatus = (typeof MARITAL_STATUSES)[number];

/** The occupations the registry allows (person.occupation CHECK constraint). */
export const OCCUPATIONS = [
  'petani', 'nelayan', 'peternak', 'pedagang', 'ojek', 'sopir', 'buruh_harian', 'tukang', 'penenun',
  'guru_honorer', 'pekerja_rumah_tangga', 'lainnya',
] as const;
export type Occupation = (typeof OCCUPATIONS)[number];

/** How each occupation is written in the template and in messages. */
export const OCCUPATION_LABELS: Readonly<Record<Occupation, Message>> = {
  petani: { id: 'Petani', en: 'Farmer' },
  nelayan: { id: 'Nelayan', en: 'Fisher' },
  peternak: { id: 'Peternak', en: 'Livestock keeper' },
  pedagang: { id: 'Pedagang', en: 'Trader' },
  ojek: { id: 'Ojek', en: 'Motorbike-taxi driver' },
  sopir: { id: 'Sopir', en: 'Driver' },
  buruh_harian: { id: 'Buruh Harian Lepas', en: 'Day labourer' },
  tukang: { id: 'Tukang', en: 'Craftsman / builder' },
  penenun: { id: 'Penenun', en: 'Weaver' },
  guru_honorer: { id: 'Guru Honorer', en: 'Non-civil-servant (honorary) teacher' },
  pekerja_rumah_tangga: { id: 'Pekerja Rumah Tangga', en: 'Domestic worker' },
  lainnya: { id: 'Lainnya', en: 'Other' },
};

export const MARITAL_LABELS: Readonly<Record<MaritalStatus, Message>> = {
  belum_kawin: { id: 'Belum Kawin', en: 'Not married' },
  kawin: { id: 'Kawin', en: 'Married' },
  cerai_hidup: { id: 'Cerai Hidup', en: 'Divorced' },
  cerai_mati: { id: 'Cerai Mati', en: 'Widowed' },
};
