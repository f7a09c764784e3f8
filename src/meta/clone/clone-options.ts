import { FsError } from '../../errors/index.js';
import type { CloneOptions } from './clone-spec.js';

/** Entries per transaction a batched directory clone accepts: one transaction must stay bounded. */
export const MAX_CLONE_BATCH_SIZE = 1_000_000;
/** The batch size when none is given. */
export const DEFAULT_CLONE_BATCH_SIZE = 20_000;

/** The options of a clone that come from outside: what a caller may set, and nothing else. */
export type CloneOptionFields = Pick<CloneOptions, 'preserve' | 'consistent' | 'batchSize'>;

const show = (value: unknown) => (typeof value === 'string' ? `'${value}'` : String(value));

/**
 * The one set of rules for clone options, applied by every entry point (the CLI, the SDK and a
 * mount's `.control`): EINVAL naming the option otherwise. `names` spells the options as the
 * caller knows them (`--batch-size` on the command line).
 */
export function checkCloneOptions(options: CloneOptionFields, names: Partial<Record<keyof CloneOptionFields, string>> = {}): void {
  const invalid = (field: keyof CloneOptionFields, rule: string) =>
    new FsError('EINVAL', { syscall: 'clone', detail: `${names[field] ?? field}: ${show(options[field])} ${rule}` });
  for (const field of ['preserve', 'consistent'] as const) {
    if (options[field] !== undefined && typeof options[field] !== 'boolean') throw invalid(field, 'is not true or false');
  }
  const n = options.batchSize;
  if (n !== undefined && (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > MAX_CLONE_BATCH_SIZE)) {
    throw invalid('batchSize', `is not a whole number from 1 to ${MAX_CLONE_BATCH_SIZE}`);
  }
}
