import { CodedError } from '../errors/index.js';

const UNITS: Record<string, number> = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3, T: 1024 ** 4 };

/** Parses `4M`, `4MiB`, `512K`, `4194304` into bytes. */
export function parseSize(text: string | number, option: string): number {
  if (typeof text === 'number') return text;
  const m = /^(\d+(?:\.\d+)?)\s*([KMGT]?)(?:i?B)?$/i.exec(text.trim());
  if (!m) throw new CodedError('ERR_BAD_OPTION', `${option}: '${text}' is not a size (use e.g. 4M, 512K)`, { subject: option });
  return Math.round(Number(m[1]) * UNITS[m[2]!.toUpperCase()]!);
}

/** Parses `24h`, `30m`, `10s`, `0`, `7d` into milliseconds. */
export function parseDuration(text: string, option: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?$/.exec(text.trim());
  if (!m) throw new CodedError('ERR_BAD_OPTION', `${option}: '${text}' is not a duration (use e.g. 24h, 30m, 0)`, { subject: option });
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] ?? 's']!;
  return Number(m[1]) * unit;
}

/** 1536 → "1.5 KiB". */
export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let i = 0;
  let v = n;
  while (Math.abs(v) >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${n} B` : `${v.toFixed(v < 10 ? 2 : 1)} ${units[i]}`;
}
