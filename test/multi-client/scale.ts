/**
 * How hard the races run: SLICEFS_RACE_SCALE=10 makes every scenario ten times longer (more
 * files, operations and bytes) for a run by hand; the default keeps the suite quick.
 */
export function raceScale(): number {
  const raw = process.env.SLICEFS_RACE_SCALE;
  if (raw === undefined || raw === '') return 1;
  const n = Number(raw);
  if (!(n > 0)) throw new Error(`SLICEFS_RACE_SCALE must be a positive number, not '${raw}'`);
  return n;
}

/** `n` scaled, at least 1. */
export const scaled = (n: number, scale = raceScale()) => Math.max(1, Math.round(n * scale));
