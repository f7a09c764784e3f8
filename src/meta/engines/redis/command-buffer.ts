import type { RedisArg } from './redis-like.js';
import type { RedisScript } from './scripts.js';

/**
 * A transaction's writes, in order, for one MULTI … EXEC.
 *
 * A script's first use in a block is sent as EVAL with its source, later uses as EVALSHA:
 * inside MULTI a NOSCRIPT error does not abort the block, the other commands would still
 * apply — so the block itself must guarantee the script is known (node-redis does the same).
 */
export class CommandBuffer {
  readonly commands: RedisArg[][] = [];
  private readonly scriptsSent = new Set<string>();

  /** Queues one command. */
  add(...args: RedisArg[]): void {
    this.commands.push(args);
  }

  /** Queues a script call. */
  script(script: RedisScript, call: { keys: string[]; args: RedisArg[] }): void {
    const head = this.scriptsSent.has(script.sha) ? ['EVALSHA', script.sha] : ['EVAL', script.source];
    this.scriptsSent.add(script.sha);
    this.commands.push([...head, String(call.keys.length), ...call.keys, ...call.args]);
  }

  get size(): number {
    return this.commands.length;
  }
}
