import { CodedError } from '../errors/index.js';
import type { FaultRule } from './wrappers/fault-rule.js';
import { parseFaults } from './wrappers/parse-faults.js';

/** Retries after a transient failure when a URL does not say (so 5 attempts per call). */
export const DEFAULT_RETRIES = 4;

/** A storage URL's wrapper parameters, and the URL without them for the store itself. */
export interface WrapperParams {
  /** The URL minus `faults` and `retries`, otherwise as written. */
  base: string;
  /** Rules of `?faults=` (see parseFaults); empty when absent. */
  faults: FaultRule[];
  /** `?retries=N`: retries after a transient failure (0 turns retrying off). */
  retries: number;
}

const OURS = new Set(['faults', 'retries']);

/** Splits `faults=` and `retries=` off a storage URL; every other parameter stays as written. */
export function wrapperParams(url: string): WrapperParams {
  const q = url.indexOf('?');
  if (q < 0) return { base: url, faults: [], retries: DEFAULT_RETRIES };
  const keep: string[] = [];
  const faults: FaultRule[] = [];
  let retries = DEFAULT_RETRIES;
  for (const part of url.slice(q + 1).split('&')) {
    const eq = part.indexOf('=');
    const name = decodeURIComponent(eq < 0 ? part : part.slice(0, eq));
    const value = eq < 0 ? '' : decodeURIComponent(part.slice(eq + 1).replace(/\+/g, ' '));
    if (!OURS.has(name)) {
      if (part !== '') keep.push(part);
    } else if (name === 'faults') faults.push(...parseFaults(value, url));
    else if (/^\d+$/.test(value)) retries = Number(value);
    else throw new CodedError('ERR_BAD_URL', `${url}: retries=${value} is not a whole number`, { subject: url });
  }
  return { base: keep.length ? `${url.slice(0, q)}?${keep.join('&')}` : url.slice(0, q), faults, retries };
}
