import { hash, verify } from '@node-rs/argon2';
import type { Message } from '../../domain/messages.js';

// OWASP's argon2id parameters (19 MiB, 2 passes, 1 lane): about 11 ms a hash on these machines.
// `algorithm: 2` is Argon2id; the package exports it as an ambient const enum that isolated modules cannot read.
const OPTIONS = { algorithm: 2, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

export async function verifyPassword(stored: string, password: string): Promise<boolean> {
  try {
    return await verify(stored, password);
  } catch {
    return false;
  }
}

/** A hash of nothing anyone knows: verified against when the username does not exist, so timing tells nothing. */
let decoy: Promise<string> | null = null;
export function decoyHash(): Promise<string> {
  decoy ??= hashPassword(`decoy-${Math.random()}`);
  return decoy;
}

export const MIN_PASSWORD_LENGTH = 10;

/** Returns why a new password is refused, or null when it is acceptable. */
export function passwordProblem(password: string, username: string): Message | null {
  if (password.length < MIN_PASSWORD_LENGTH)
    return {
      id: `Kata sandi minimal ${MIN_PASSWORD_LENGTH} karakter; yang Anda ketik ${password.length}. Gunakan kalimat pendek yang mudah diingat.`,
      en: `A password needs at least ${MIN_PASSWORD_LENGTH} characters; yours has ${password.length}. A short sentence is easy to remember.`,
    };
  if (password.length > 200)
    return { id: 'Kata sandi terlalu panjang (maksimal 200 karakter).', en: 'The password is too long (200 characters at most).' };
  if (password.toLowerCase().includes(username.toLowerCase()))
    return { id: 'Kata sandi tidak boleh memuat nama pengguna.', en: 'The password must not contain the username.' };
  if (new Set(password).size < 4)
    return { id: 'Kata sandi terlalu mudah ditebak; gunakan lebih banyak karakter berbeda.', en: 'The password is too easy to guess; use more different characters.' };
  return null;
}
