import { can, type Role } from '../../domain/roles.js';
import { maskAccount, maskNik } from '../../domain/nik.js';

/** Hides NIK, KK and account numbers from roles whose work does not need them. */
export function masker(role: Role) {
  const nik = can(role, 'registry.see_nik');
  const account = can(role, 'registry.see_account');
  return {
    nik: (v: string | null) => (v === null ? null : nik ? v : maskNik(v)),
    kk: (v: string | null) => (v === null ? null : nik ? v : maskNik(v)),
    account: (v: string | null) => (v === null ? null : account ? v : maskAccount(v)),
    /** Masks the same fields inside a history entry's before/after values. */
    field: (field: string, v: unknown): unknown => {
      if (typeof v !== 'string') return v;
      if ((field === 'nik' || field === 'kk') && !nik) return maskNik(v);
      if (field === 'bank_account' && !account) return maskAccount(v);
      return v;
    },
  };
}
