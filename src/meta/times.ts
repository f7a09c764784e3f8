import type { Timespec } from './types.js';

/** The current time with sub-millisecond precision. */
export function now(): Timespec {
  const ms = performance.timeOrigin + performance.now();
  const sec = Math.floor(ms / 1000);
  return { sec, nsec: Math.min(999_999_999, Math.round((ms - sec * 1000) * 1e6)) };
}

/** A time from milliseconds since the epoch. */
export function fromMillis(ms: number): Timespec {
  const sec = Math.floor(ms / 1000);
  return { sec, nsec: Math.round((ms - sec * 1000) * 1e6) };
}

/** Milliseconds since the epoch (nanoseconds become a fraction). */
export function toMillis(t: Timespec): number {
  return t.sec * 1000 + t.nsec / 1e6;
}
