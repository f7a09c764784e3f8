import type { Timespec } from '../meta/types.js';
import { fromMillis } from '../meta/times.js';
import { ArgumentError } from './node-args.js';

/** A time as Node's utimes takes it: seconds (a number or a numeric string), a Date, or a Timespec. */
export type TimeLike = number | string | Date | Timespec;

/** Node's rule (toUnixTimestamp): numbers and numeric strings are seconds, a negative one means now, a Date is its time. */
export function toTimespec(t: TimeLike, name = 'time'): Timespec {
  if (typeof t === 'string' && t.trim() !== '' && Number.isFinite(Number(t))) t = Number(t);
  if (typeof t === 'number' && Number.isFinite(t)) return fromMillis(t < 0 ? Date.now() : t * 1000);
  if (t instanceof Date) return fromMillis(t.getTime());
  if (t && typeof t === 'object' && 'sec' in t && 'nsec' in t) return t;
  throw new ArgumentError('ERR_INVALID_ARG_TYPE', `The "${name}" argument must be of type number or an instance of Date. Received ${String(t)}`);
}
