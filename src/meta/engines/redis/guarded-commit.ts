import type { Attr } from '../../types.js';
import { packAttr } from './codec.js';
import type { KeyLayout } from './key-layout.js';
import type { RedisArg } from './redis-like.js';
import { embeddedScript } from './scripts.js';

/**
 * What a transaction's caller assumed instead of reading (TxnOptions.assume, assumeAbsent): an
 * inode's attributes as its own last commit left them and, for a create, a name the directory
 * lacks.
 */
export interface Assumption {
  attr: Attr;
  absent?: Buffer;
}

/**
 * The keys and arguments of GUARDED_COMMIT for a transaction's queued writes under `assumed`, or
 * undefined when a write calls a script the guarded commit cannot run (the transaction then runs
 * again, reading, and commits with MULTI … EXEC).
 */
export function guardedCommitCall(keys: KeyLayout, assumed: Assumption, commands: readonly RedisArg[][]): { keys: string[]; args: RedisArg[] } | undefined {
  const args: RedisArg[] = [packAttr(assumed.attr), assumed.absent ?? ''];
  for (const command of commands) {
    const verb = command[0];
    if (verb === 'EVAL' || verb === 'EVALSHA') {
      const sha = embeddedScript(command);
      if (sha === undefined) return undefined;
      args.push(String(command.length), 'EVALSHA', sha, ...command.slice(2));
    } else {
      args.push(String(command.length), ...command);
    }
  }
  return { keys: [keys.inode(assumed.attr.ino), keys.entries(assumed.attr.ino)], args };
}
