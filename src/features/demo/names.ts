/**
 * Name, occupation and birth-place pools for the synthetic Nusa Tenggara Timur registry.
 *
 * Everything here is plain data plus small table builders; the generator (generate.ts) draws from
 * it with its own seeded PRNG. The pools are illustrative, assembled from names that are common in
 * public NTT sources (church, school and government lists); they describe no real person.
 */
import { OCCUPATIONS, type Occupation } from '../../domain/person-codes.js';

/** Baptismal given names common among Catholic and Protestant men across NTT. */
export const MALE_GIVEN: readonly string[] = [
  'Yohanes', 'Fransiskus', 'Agustinus', 'Yosef', 'Petrus', 'Paulus', 'Kornelis', 'Marthen', 'Yakobus',
  'Benediktus', 'Ferdinandus', 'Aloysius', 'Damianus', 'Stefanus', 'Markus', 'Matias', 'Antonius', 'Andreas',
  'Bernardus', 'Dominikus', 'Emanuel', 'Gabriel', 'Hendrikus', 'Ignasius', 'Kristoforus', 'Laurensius',
  'Leonardus', 'Lukas', 'Mikael', 'Nikolaus', 'Oktavianus', 'Patrisius', 'Robertus', 'Sebastianus', 'Silvester',
  'Simon', 'Thomas', 'Valentinus', 'Vinsensius', 'Wilhelmus', 'Yeremias', 'Yulius', 'Zakarias', 'Arnoldus',
  'Blasius', 'Donatus', 'Edmundus', 'Felix', 'Gregorius', 'Hubertus', 'Isidorus', 'Karolus', 'Klemens',
  'Konstantinus', 'Lambertus', 'Martinus', 'Norbertus', 'Philipus', 'Rafael', 'Rikardus', 'Rofinus', 'Servasius',
  'Theodorus', 'Urbanus', 'Viktor', 'Yoakim', 'Alfons', 'Ambrosius', 'Benyamin', 'Daniel', 'Elias', 'Frans',
  'Gerardus', 'Herman', 'Imanuel', 'Yunus', 'Obed', 'Semuel', 'Yesaya', 'Abraham', 'Melkianus', 'Nikodemus',
  'Salmun', 'Yermias', 'Otniel', 'Lodowik',
];

/** Baptismal given names common among Catholic and Protestant women across NTT. */
export const FEMALE_GIVEN: readonly string[] = [
  'Maria', 'Theresia', 'Yuliana', 'Margaretha', 'Serafina', 'Fransiska', 'Elisabeth', 'Adriana', 'Kristina',
  'Agnes', 'Anastasia', 'Angela', 'Antonia', 'Bernadeta', 'Benedikta', 'Brigita', 'Katarina', 'Klara',
  'Dorotea', 'Emerensiana', 'Felisitas', 'Florentina', 'Gertrudis', 'Helena', 'Imelda', 'Yohana', 'Yosefina',
  'Yustina', 'Karolina', 'Kornelia', 'Laurensia', 'Lusia', 'Magdalena', 'Marselina', 'Martha', 'Monika',
  'Natalia', 'Oktaviana', 'Paulina', 'Petronela', 'Regina', 'Rosalia', 'Sabina', 'Skolastika', 'Sisilia',
  'Susana', 'Veronika', 'Viktoria', 'Wilhelmina', 'Yasinta', 'Aleta', 'Apolonia', 'Dominika', 'Eufrasia',
  'Filomena', 'Hendrika', 'Ignasia', 'Kresensia', 'Lidia', 'Maksima', 'Modesta', 'Natalina', 'Priska', 'Rufina',
  'Selina', 'Sofia', 'Stefania', 'Tarsisia', 'Ursula', 'Valentina', 'Yakoba', 'Debora', 'Ester',
  'Ribka', 'Rut', 'Sara', 'Naomi', 'Orpa', 'Mariana', 'Yermina', 'Dortea', 'Selfina', 'Elfrida',
];

/** Second baptismal names (Maria Goreti, Fransiskus Xaverius, …) used after the first given name. */
export const MALE_SECOND: readonly string[] = [
  'Xaverius', 'Don Bosco', 'De Britto', 'Arnoldus', 'Kanisius', 'Nong', 'Gerardus', 'Sales', 'Benyamin',
  'Ola', 'Dosi', 'Dami', 'Rikardo', 'Ndeta', 'Laka',
];
export const FEMALE_SECOND: readonly string[] = [
  'Goreti', 'Imakulata', 'Fatima', 'Magdalena', 'Yosefa', 'Asumpta', 'Yasinta', 'Florida', 'Mbura', 'Bunga',
  'Ina', 'Wea', 'Nona', 'Dua', 'Getrudis',
];

/** Given names for the Muslim communities of the coasts (Ende, Adonara, Solor, Alor, Labuan Bajo, Kupang). */
export const MUSLIM_MALE_GIVEN: readonly string[] = [
  'Abdullah', 'Ahmad', 'Muhammad', 'Ismail', 'Yusuf', 'Hasan', 'Sulaiman', 'Ibrahim', 'Ramli', 'Syamsudin',
  'Abdul Rahman', 'Husen', 'Jamaludin', 'Arifin', 'Hamzah',
];
export const MUSLIM_FEMALE_GIVEN: readonly string[] = [
  'Siti', 'Aminah', 'Fatimah', 'Nurhayati', 'Halimah', 'Saodah', 'Zainab', 'Rahma', 'Hadijah', 'Maimunah',
  'Salma', 'Nuraini', 'Aisyah', 'Sitti Hawa', 'Jamila',
];

/** Family and clan name pools by cultural region. */
export type PoolId =
  | 'timor_dawan'
  | 'timor_tetun'
  | 'flores_east'
  | 'sikka'
  | 'flores_central'
  | 'manggarai'
  | 'sumba'
  | 'rote'
  | 'sabu'
  | 'alor';

export const CLAN_NAMES: Readonly<Record<PoolId, readonly string[]>> = {
  // Atoni (Dawan) of Kupang, Timor Tengah Selatan and Timor Tengah Utara.
  timor_dawan: [
    'Tefa', 'Nenobais', 'Nope', 'Taolin', 'Manafe', 'Tanaem', 'Bessie', 'Foeh', 'Kase', 'Leu', 'Sanam', 'Tallo',
    'Benu', 'Nubatonis', 'Kolo', 'Nitbani', 'Neno', 'Oematan', 'Sonbai', 'Baun', 'Selan', 'Boimau', 'Liufeto',
    'Kono', 'Tefu', 'Abi', 'Banunaek', 'Nomleni', 'Taneo', 'Sunbanu', 'Nuban', 'Tapatab', 'Faot', 'Tabun',
    'Misa', 'Nifu', 'Kause', 'Nenabu', 'Pello', 'Sakan', 'Bana', 'Oetpah', 'Tualaka', 'Sae', 'Atini',
  ],
  // Tetun and Kemak of Belu and Malaka, with the Portuguese names of the Timorese families.
  timor_tetun: [
    'Bria', 'Seran', 'Nahak', 'Klau', 'Mau', 'Bere', 'Berek', 'Luan', 'Fahik', 'Tahu', 'Asa', 'Kehi', 'Atok',
    'Lakmau', 'Manek', 'Leki', 'Hale', 'Bete', 'Dasi', 'Mali', 'Rinu', 'Tae', 'Bau', 'Sanit', 'Lelo', 'Taek',
    'da Costa', 'Soares', 'Guterres', 'Amaral', 'Pereira', 'Ximenes', 'dos Santos', 'Belo', 'Moruk', 'Tei',
  ],
  // Lamaholot and Kedang of Flores Timur, Adonara, Solor and Lembata.
  flores_east: [
    'Kedang', 'Sabon', 'Koten', 'Tukan', 'Making', 'Lamawuran', 'Kelen', 'Hurit', 'Ola', 'Kolin', 'Beda', 'Manuk',
    'Herin', 'Maran', 'Boli', 'Keraf', 'Bala', 'Lamablawa', 'Tupen', 'Weking', 'Pehan', 'Lamanepa', 'Liat',
    'Wadan', 'Lawe', 'Kedati', 'Sogen', 'Ruing', 'Tokan', 'Lein', 'Wutun', 'Ratu', 'Laga', 'Kia',
  ],
  // Sikka (Maumere), where Portuguese family names are common.
  sikka: [
    'da Silva', 'Fernandez', 'da Costa', 'Parera', 'Goncalves', 'Lopez', 'Ximenes', 'Carvallo', 'de Rosari',
    'Mitan', 'Moa', 'Bapa', 'Wuli', 'Nong', 'Lameng', 'Gego', 'Lering', 'Sadipun', 'Gleko', 'Woda', 'Pega',
    'Dua', 'Nago', 'Rewo', 'Sanga', 'Kapo', 'Raga', 'Dasilva', 'Mbira', 'Bura',
  ],
  // Ende, Lio, Ngada and Nagekeo (central Flores).
  flores_central: [
    'Wula', 'Bunga', 'Kaka', 'Mbete', 'Ngongo', 'Lado', 'Dhae', 'Wea', 'Meo', 'Bhoko', 'Rangga', 'Nuwa', 'Ghale',
    'Tawa', 'Sina', 'Bupu', 'Wolo', 'Nai', 'Dopo', 'Gadi', 'Loka', 'Ngole', 'Tolo', 'Pua', 'Mosa', 'Dhiu', 'Wake',
    'Ke\'o', 'Ja\'o', 'Sa\'o', 'Goa', 'Mere', 'Siga', 'Bata', 'Ndoa', 'Bai', 'Radho', 'Wedo',
  ],
  // Manggarai, Manggarai Barat and Manggarai Timur.
  manggarai: [
    'Nggadas', 'Jehadu', 'Jemadu', 'Ndahur', 'Nandut', 'Hambur', 'Ngamal', 'Dangur', 'Jelahu', 'Jematu',
    'Ngganggus', 'Janggur', 'Sanggu', 'Ngalu', 'Ndaru', 'Tanggur', 'Habur', 'Jaga', 'Gampur', 'Pandur', 'Nggoro',
    'Saman', 'Sehadun', 'Danggur', 'Jemarut', 'Ngadut', 'Mbalu', 'Nadur', 'Lanur', 'Jehanu', 'Harun', 'Hamut',
  ],
  // Sumba (all four regencies); used after the Umbu (men) and Rambu (women) titles as well.
  sumba: [
    'Ndapa', 'Hina', 'Kaborang', 'Lende', 'Dapa', 'Kareri', 'Ndakularak', 'Djawa', 'Hamba', 'Ndjurumana',
    'Pekuwali', 'Tanggu', 'Mbani', 'Tamu', 'Ngguli', 'Woli', 'Bili', 'Dadi', 'Lero', 'Ate', 'Malo', 'Dengi',
    'Bulu', 'Kabba', 'Pati', 'Nggiku', 'Wunu', 'Kahi', 'Nggaba', 'Manggana', 'Kudu', 'Hapu', 'Rawa', 'Talu',
    'Ndara', 'Lawu', 'Ranggi', 'Hunga', 'Ndjuka', 'Tana',
  ],
  // Rote, and the Rotenese of Kupang.
  rote: [
    'Ndoen', 'Pellokila', 'Amalo', 'Ndolu', 'Mooy', 'Haning', 'Nalle', 'Fanggidae', 'Adu', 'Toelle', 'Lenggu',
    'Henuk', 'Sinlae', 'Saudale', 'Ndun', 'Mesakh', 'Zacharias', 'Manu', 'Pah', 'Daik', 'Laoe', 'Bessie',
    'Ndaomanu', 'Nggebu', 'Ballo', 'Messakh', 'Tungga', 'Feoh', 'Tasi', 'Lay',
  ],
  // Sabu and Raijua, and the Sabunese of Kupang and Sumba Timur.
  sabu: [
    'Riwu', 'Ratu', 'Kana', 'Bire', 'Lomi', 'Dima', 'Wadu', 'Huma', 'Lado', 'Kore', 'Hede', 'Djami', 'Ludji',
    'Tede', 'Rohi', 'Kaho', 'Lodo', 'Mira', 'Rebo', 'Talo', 'Dju', 'Bela', 'Hegi', 'Lay', 'Manu', 'Radja',
    'Dimu', 'Kale', 'Pono', 'Ga',
  ],
  // Alor and Pantar.
  alor: [
    'Maro', 'Lamma', 'Mautuka', 'Laukaling', 'Malaikosa', 'Atamau', 'Kafolamau', 'Tulimau', 'Lakabe', 'Mabileti',
    'Djahamou', 'Lauata', 'Maure', 'Padafani', 'Salamau', 'Molebila', 'Kolimon', 'Lamma Koly', 'Bolang', 'Laa',
    'Fanmoe', 'Taeki', 'Mokoni', 'Ati', 'Waang', 'Duka', 'Kamengmau', 'Goro',
  ],
};

/** Noble titles of Sumba that stand before a personal name. */
export const SUMBA_TITLE = { L: 'Umbu', P: 'Rambu' } as const;

/** Dusun (hamlet) names by pool, used for household addresses; half the addresses use numbered dusun. */
export const DUSUN_NAMES: Readonly<Record<PoolId, readonly string[]>> = {
  timor_dawan: ['Oenaek', 'Oebelo', 'Oeleu', 'Oenunu', 'Noelbaki', 'Fatukoa', 'Oesusu', 'Tuapukan', 'Naibonat', 'Nefokoko', 'Bijaesunan', 'Oelbiteno'],
  timor_tetun: ['Weoe', 'Halimea', 'Fatubesi', 'Builaran', 'Kletek', 'Webora', 'Uabau', 'Lakekun', 'Kamanasa', 'Wehali', 'Fatuketi', 'Haliwen'],
  flores_east: ['Waiwadan', 'Lamahora', 'Lewotobi', 'Waiklibang', 'Lamakera', 'Lewokluok', 'Riangkemie', 'Watowiti', 'Lewoingu', 'Balauring'],
  sikka: ['Wairklau', 'Wolomarang', 'Habi', 'Koting', 'Watublapi', 'Nele', 'Wairbleler', 'Kewapante', 'Magepanda', 'Nangahale'],
  flores_central: ['Wolowaru', 'Detusoko', 'Nangapanda', 'Mbongawani', 'Watujaji', 'Ratedao', 'Wolonio', 'Mataloko', 'Boawae', 'Nangaroro'],
  manggarai: ['Golo Dukal', 'Wae Rana', 'Pongkor', 'Ndoso', 'Golo Cador', 'Wae Belang', 'Lempang Paji', 'Compang Kuwu', 'Wae Ri\'i', 'Ranggu'],
  sumba: ['Prailiu', 'Kambaniru', 'Mauliru', 'Kalu', 'Lambanapu', 'Watumbaka', 'Prai Madeta', 'Kambera', 'Tarung', 'Weelewo'],
  rote: ['Busalangga', 'Oelasin', 'Nemberala', 'Sanggaoen', 'Oebou', 'Lekunik', 'Oelaba', 'Mokdale'],
  sabu: ['Mebba', 'Loborai', 'Eimau', 'Raeloro', 'Bodae', 'Ledeana', 'Menia', 'Nadawawi'],
  alor: ['Welai', 'Moru', 'Mola', 'Kokar', 'Binongko', 'Bota', 'Lembur', 'Kenarilang', 'Wolwal', 'Air Kenari'],
};

/** Streets of Kota Kupang (kelurahan have no dusun; addresses name the street). */
export const KUPANG_STREETS: readonly string[] = [
  'Jl. Timor Raya', 'Jl. El Tari', 'Jl. Frans Seda', 'Jl. Soeharto', 'Jl. W.J. Lalamentik', 'Jl. Piet A. Tallo',
  'Jl. Adi Sucipto', 'Jl. Cak Doko', 'Jl. Herewila', 'Jl. Sam Ratulangi', 'Jl. Nangka', 'Jl. Kelapa Lima',
  'Jl. Oebobo', 'Jl. Perintis Kemerdekaan', 'Jl. Alak', 'Jl. Bakunase', 'Jl. Oepoi', 'Jl. Fetor Funay',
];

/** One regency's name mix: clan pools with weights, and the share of Muslim given names. */
export interface RegencyNameMix {
  pools: readonly (readonly [PoolId, number])[];
  muslimShare: number;
}

/** Kemendagri regency code → where its people's names come from. */
export const REGENCY_NAME_MIX: Readonly<Record<string, RegencyNameMix>> = {
  '53.01': { pools: [['timor_dawan', 70], ['rote', 14], ['sabu', 10], ['flores_central', 6]], muslimShare: 0.03 }, // Kupang
  '53.02': { pools: [['timor_dawan', 95], ['rote', 5]], muslimShare: 0.01 }, // Timor Tengah Selatan
  '53.03': { pools: [['timor_dawan', 85], ['timor_tetun', 15]], muslimShare: 0.01 }, // Timor Tengah Utara
  '53.04': { pools: [['timor_tetun', 85], ['timor_dawan', 10], ['flores_central', 5]], muslimShare: 0.02 }, // Belu
  '53.05': { pools: [['alor', 90], ['flores_east', 5], ['rote', 5]], muslimShare: 0.2 }, // Alor
  '53.06': { pools: [['flores_east', 92], ['sikka', 8]], muslimShare: 0.15 }, // Flores Timur
  '53.07': { pools: [['sikka', 80], ['flores_east', 10], ['flores_central', 10]], muslimShare: 0.06 }, // Sikka
  '53.08': { pools: [['flores_central', 92], ['sikka', 8]], muslimShare: 0.3 }, // Ende
  '53.09': { pools: [['flores_central', 95], ['manggarai', 5]], muslimShare: 0.04 }, // Ngada
  '53.10': { pools: [['manggarai', 100]], muslimShare: 0.04 }, // Manggarai
  '53.11': { pools: [['sumba', 88], ['sabu', 12]], muslimShare: 0.04 }, // Sumba Timur
  '53.12': { pools: [['sumba', 100]], muslimShare: 0.02 }, // Sumba Barat
  '53.13': { pools: [['flores_east', 100]], muslimShare: 0.12 }, // Lembata
  '53.14': { pools: [['rote', 95], ['sabu', 5]], muslimShare: 0.02 }, // Rote Ndao
  '53.15': { pools: [['manggarai', 88], ['flores_central', 6], ['sikka', 6]], muslimShare: 0.2 }, // Manggarai Barat
  '53.16': { pools: [['flores_central', 100]], muslimShare: 0.08 }, // Nagekeo
  '53.17': { pools: [['sumba', 100]], muslimShare: 0.01 }, // Sumba Tengah
  '53.18': { pools: [['sumba', 100]], muslimShare: 0.02 }, // Sumba Barat Daya
  '53.19': { pools: [['manggarai', 100]], muslimShare: 0.05 }, // Manggarai Timur
  '53.20': { pools: [['sabu', 100]], muslimShare: 0.01 }, // Sabu Raijua
  '53.21': { pools: [['timor_tetun', 95], ['timor_dawan', 5]], muslimShare: 0.01 }, // Malaka
  '53.71': {
    // Kota Kupang: the whole province meets here.
    pools: [
      ['timor_dawan', 30], ['rote', 20], ['sabu', 14], ['flores_central', 9], ['flores_east', 8], ['sikka', 6],
      ['manggarai', 5], ['sumba', 4], ['alor', 4],
    ],
    muslimShare: 0.1,
  },
};

/** Used for a regency the table does not know (only possible with hand-made village lists). */
export const DEFAULT_NAME_MIX: RegencyNameMix = REGENCY_NAME_MIX['53.71']!;

/** Towns and kecamatan seats by regency, used as birth places. */
export const BIRTH_PLACES: Readonly<Record<string, readonly string[]>> = {
  '53.01': ['Oelamasi', 'Babau', 'Camplong', 'Oesao', 'Takari', 'Sulamu', 'Semau'],
  '53.02': ['Soe', 'Niki-Niki', 'Kapan', 'Oinlasi', 'Boking', 'Panite', 'Kolbano'],
  '53.03': ['Kefamenanu', 'Eban', 'Oelolok', 'Wini', 'Maubesi', 'Ponu'],
  '53.04': ['Atambua', 'Halilulik', 'Atapupu', 'Weluli', 'Haekesak', 'Silawan'],
  '53.05': ['Kalabahi', 'Baranusa', 'Moru', 'Maritaing', 'Kabir', 'Apui'],
  '53.06': ['Larantuka', 'Waiwerang', 'Adonara', 'Lamakera', 'Boru', 'Menanga'],
  '53.07': ['Maumere', 'Nita', 'Lela', 'Paga', 'Bola', 'Kewapante', 'Talibura'],
  '53.08': ['Ende', 'Wolowaru', 'Detusoko', 'Nangapanda', 'Maurole', 'Moni'],
  '53.09': ['Bajawa', 'Aimere', 'Mataloko', 'Riung', 'Soa', 'Jerebuu'],
  '53.10': ['Ruteng', 'Cancar', 'Iteng', 'Reo', 'Pagal', 'Todo'],
  '53.11': ['Waingapu', 'Melolo', 'Lewa', 'Kananggar', 'Nggongi', 'Baing'],
  '53.12': ['Waikabubak', 'Lamboya', 'Wanokaka', 'Kabukarudi', 'Tana Righu'],
  '53.13': ['Lewoleba', 'Balauring', 'Lamalera', 'Hadakewa', 'Wairiang'],
  '53.14': ['Ba\'a', 'Busalangga', 'Oelaba', 'Papela', 'Feapopi', 'Batutua'],
  '53.15': ['Labuan Bajo', 'Lembor', 'Werang', 'Terang', 'Nggorang'],
  '53.16': ['Mbay', 'Boawae', 'Danga', 'Raja', 'Nangaroro'],
  '53.17': ['Waibakul', 'Anakalang', 'Mamboro', 'Katikutana'],
  '53.18': ['Tambolaka', 'Waitabula', 'Kodi', 'Wewewa', 'Elopada'],
  '53.19': ['Borong', 'Waelengga', 'Mano', 'Lengko Ajang', 'Pota'],
  '53.20': ['Seba', 'Menia', 'Bolou', 'Raijua', 'Mesara'],
  '53.21': ['Betun', 'Besikama', 'Weliman', 'Laran', 'Biudukfoho'],
  '53.71': ['Kupang'],
};

/** Places outside the home regency that many people name as their birth place. */
export const COMMON_BIRTH_PLACES: readonly string[] = ['Kupang', 'Kupang', 'Kupang', 'Ende', 'Maumere', 'Atambua', 'Waingapu', 'Ruteng', 'Denpasar', 'Makassar'];

export type { Occupation } from '../../domain/person-codes.js';

/** Regencies with a large fishing population. */
export const COASTAL_REGENCIES: ReadonlySet<string> = new Set(['53.13', '53.06', '53.20', '53.14', '53.05', '53.71']);
/** Regencies where ikat weaving is a common livelihood for women. */
const WEAVING_REGENCIES: ReadonlySet<string> = new Set(['53.07', '53.02', '53.11', '53.05', '53.14', '53.20', '53.08', '53.03']);
/** Regencies with large cattle, buffalo and horse herds. */
const HERDING_REGENCIES: ReadonlySet<string> = new Set(['53.11', '53.12', '53.17', '53.18', '53.01', '53.02', '53.16']);

/** Occupation weights for one regency, before the sex adjustment. */
export function occupationWeights(regencyCode: string): Record<Occupation, number> {
  const w: Record<Occupation, number> = {
    petani: 58, nelayan: 2, peternak: 4, pedagang: 6, ojek: 4, sopir: 1.5, buruh_harian: 9, tukang: 4,
    penenun: 2, guru_honorer: 3, pekerja_rumah_tangga: 2, lainnya: 2,
  };
  if (regencyCode === '53.71') {
    Object.assign(w, { petani: 6, nelayan: 7, peternak: 1, pedagang: 20, ojek: 18, sopir: 8, buruh_harian: 17, tukang: 9, penenun: 1, guru_honorer: 4, pekerja_rumah_tangga: 6, lainnya: 4 });
  } else if (COASTAL_REGENCIES.has(regencyCode)) {
    w.petani = 44;
    w.nelayan = 18;
  }
  if (WEAVING_REGENCIES.has(regencyCode)) w.penenun += 4;
  if (HERDING_REGENCIES.has(regencyCode)) w.peternak += 6;
  return w;
}

/** How likely each occupation is for a man (L) or a woman (P), relative to the regency mix. */
const SEX_FACTOR: Readonly<Record<'L' | 'P', Partial<Record<Occupation, number>>>> = {
  L: { penenun: 0.03, pekerja_rumah_tangga: 0.15 },
  P: { ojek: 0.02, sopir: 0.02, nelayan: 0.15, tukang: 0.05, peternak: 0.5, penenun: 2.5, pekerja_rumah_tangga: 2.5, pedagang: 1.5 },
};

/** Cumulative occupation table for a regency and sex, for a binary-search draw. */
export function occupationTable(regencyCode: string, sex: 'L' | 'P'): { values: Occupation[]; cumulative: number[] } {
  const w = occupationWeights(regencyCode);
  const values: Occupation[] = [];
  const cumulative: number[] = [];
  let total = 0;
  for (const occ of OCCUPATIONS) {
    const weight = w[occ] * (SEX_FACTOR[sex][occ] ?? 1);
    if (weight <= 0) continue;
    total += weight;
    values.push(occ);
    cumulative.push(total);
  }
  return { values, cumulative: cumulative.map((c) => c / total) };
}

/** Birth places for people living in a regency: mostly its own towns, sometimes Kupang or farther away. */
export function birthPlacePool(regencyCode: string): { home: readonly string[]; away: readonly string[] } {
  return { home: BIRTH_PLACES[regencyCode] ?? ['Kupang'], away: COMMON_BIRTH_PLACES };
}

/** Name mix of a regency (falls back to the Kota Kupang mix for an unknown code). */
export function nameMixOf(regencyCode: string): RegencyNameMix {
  return REGENCY_NAME_MIX[regencyCode] ?? DEFAULT_NAME_MIX;
}
