/**
 * Shared shape for user-facing text. Every message is written in Indonesian
 * (the language of village and regency staff) and English (for reviewers and
 * partners); screens pick one with `localize`.
 */
export type Lang = 'id' | 'en';

export const LANGS: readonly Lang[] = ['id', 'en'];

export interface Message {
  id: string;
  en: string;
}

export function localize(message: Message, lang: Lang): string {
  return message[lang];
}
