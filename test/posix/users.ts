/** The identities the suite acts as. `other` owns files in sticky-bit and ownership cases. */
export const USERS = {
  root: { uid: 0, gid: 0 },
  user: { uid: 65534, gid: 65534 }, // nobody:nogroup
  other: { uid: 1001, gid: 1001 },
} as const;

export type UserName = keyof typeof USERS;

/** The users a case can run as (ops by `other` are not needed: it only owns things). */
export type Actor = 'root' | 'user';

/** `root`, `user`, `other` or a number; `-` is -1 (leave unchanged, as chown(2) takes it). */
export function idOf(token: string, which: 'uid' | 'gid'): number {
  if (token === '-') return -1;
  if (token in USERS) return USERS[token as UserName][which];
  const n = Number(token);
  if (!Number.isInteger(n)) throw new Error(`not a user or group: ${token}`);
  return n;
}

/** The name of a uid/gid when it is one of USERS, else the number (for messages and checks). */
export function nameOfId(id: number, which: 'uid' | 'gid'): string {
  for (const [name, ids] of Object.entries(USERS)) if (ids[which] === id) return name;
  return String(id);
}
