/**
 * How long the crash tests run. CI runs each scenario once at scale 1; by hand,
 * SLICEFS_CRASH_ROUNDS=20 crashes each scenario twenty times on the same volume and
 * SLICEFS_CRASH_SCALE=4 makes every round bigger (files, bytes, trees).
 * SLICEFS_CRASH_REAL_EXPIRY=1 waits for a dead mount's session to expire (60 s) instead of
 * ageing its record.
 */
function positive(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!(n > 0)) throw new Error(`${name} must be a positive number, not '${raw}'`);
  return n;
}

/** Crashes per scenario (SLICEFS_CRASH_ROUNDS, default 1). */
export const crashRounds = (): number => Math.round(positive('SLICEFS_CRASH_ROUNDS', 1));

/** Size factor of each round (SLICEFS_CRASH_SCALE, default 1). */
export const crashScale = (): number => positive('SLICEFS_CRASH_SCALE', 1);

/** `n` scaled, at least 1. */
export const scaled = (n: number, scale = crashScale()): number => Math.max(1, Math.round(n * scale));

/** SLICEFS_CRASH_REAL_EXPIRY=1: wait out a dead mount's session instead of ageing its record. */
export const realExpiry = (): boolean => process.env.SLICEFS_CRASH_REAL_EXPIRY === '1';
