import { CodedError } from '../errors/index.js';

/** A flag's value as a whole number of at least `min`; a usage error (exit 2) naming the flag otherwise. */
export function wholeNumber(value: unknown, option: string, min: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new CodedError('ERR_BAD_OPTION', `${option}: '${value}' is not a whole number >= ${min}`, { subject: option });
  return n;
}
