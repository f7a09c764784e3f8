import { countRequest } from './activity.js';
import { redisError } from './redis-errors.js';
import type { RedisArg, RedisLike } from './redis-like.js';
import type { RedisScript } from './scripts.js';

/** How a transaction reads: every key it reads is watched first (same connection, same round trip). */
export interface KeyReader {
  /** Runs a read command after watching `watch` (when the reader watches). */
  read(watch: string, args: RedisArg[]): Promise<unknown>;
  /** Runs a read-only script after watching `watch`. */
  script(watch: string, script: RedisScript, call: { keys: string[]; args: RedisArg[] }): Promise<unknown>;
  /** Runs many read commands at once (one round trip), after watching `watch` (one WATCH). */
  readMany(watch: readonly string[], commands: readonly RedisArg[][]): Promise<unknown[]>;
  /** Sends a command that is no part of the transaction (no WATCH; it applies at once). */
  send(args: RedisArg[]): Promise<unknown>;
  /** Runs a script that is no part of the transaction (no WATCH; it applies at once), by SHA. */
  evaluate(script: RedisScript, call: { keys: string[]; args: RedisArg[] }): Promise<unknown>;
  /** How many keys the transaction watches so far. */
  readonly watchedKeys: number;
}

const isNoScript = (err: unknown) => String((err as Error)?.message ?? '').startsWith('NOSCRIPT');

/** EVALSHA, falling back to EVAL when the server's script cache lacks the script. */
export async function evalScript(conn: RedisLike, script: RedisScript, call: { keys: string[]; args: RedisArg[] }): Promise<unknown> {
  const tail = [String(call.keys.length), ...call.keys, ...call.args];
  try {
    return await conn.sendCommand(['EVALSHA', script.sha, ...tail]);
  } catch (err) {
    if (!isNoScript(err)) throw err;
    return conn.sendCommand(['EVAL', script.source, ...tail]);
  }
}

/** Reads committed state without watching (Engine.read). */
export class PlainReader implements KeyReader {
  constructor(
    private readonly conn: RedisLike,
    private readonly where: string,
  ) {}
  read(_watch: string, args: RedisArg[]): Promise<unknown> {
    countRequest('request');
    return this.conn.sendCommand(args).catch((err) => Promise.reject(redisError(err, this.where)));
  }
  script(_watch: string, script: RedisScript, call: { keys: string[]; args: RedisArg[] }): Promise<unknown> {
    countRequest('request');
    return evalScript(this.conn, script, call).catch((err) => Promise.reject(redisError(err, this.where)));
  }
  readMany(_watch: readonly string[], commands: readonly RedisArg[][]): Promise<unknown[]> {
    countRequest('request');
    return Promise.all(commands.map((c) => this.conn.sendCommand(c))).catch((err) => Promise.reject(redisError(err, this.where)));
  }
  send(args: RedisArg[]): Promise<unknown> {
    return this.read('', args);
  }
  evaluate(script: RedisScript, call: { keys: string[]; args: RedisArg[] }): Promise<unknown> {
    return this.script('', script, call);
  }
  readonly watchedKeys = 0;
}

/** Reads on an isolated connection, WATCHing each key before its first read (pipelined with it). */
export class WatchingReader implements KeyReader {
  /** Keys watched so far, in order. */
  readonly watched = new Set<string>();
  constructor(
    private readonly conn: RedisLike,
    private readonly where: string,
  ) {}

  private watch(key: string): Promise<unknown> | undefined {
    if (this.watched.has(key)) return undefined;
    this.watched.add(key);
    return this.conn.watch(key);
  }
  async read(watch: string, args: RedisArg[]): Promise<unknown> {
    countRequest('request');
    const [, reply] = await Promise.all([this.watch(watch), this.conn.sendCommand(args)]).catch((err) =>
      Promise.reject(redisError(err, this.where)),
    );
    return reply;
  }
  async script(watch: string, script: RedisScript, call: { keys: string[]; args: RedisArg[] }): Promise<unknown> {
    countRequest('request');
    const [, reply] = await Promise.all([this.watch(watch), evalScript(this.conn, script, call)]).catch((err) =>
      Promise.reject(redisError(err, this.where)),
    );
    return reply;
  }
  async readMany(watch: readonly string[], commands: readonly RedisArg[][]): Promise<unknown[]> {
    countRequest('request');
    const fresh = watch.filter((key) => !this.watched.has(key));
    for (const key of fresh) this.watched.add(key);
    const watching = fresh.length ? this.conn.watch(fresh) : undefined;
    const [, ...replies] = await Promise.all([watching, ...commands.map((c) => this.conn.sendCommand(c))]).catch((err) =>
      Promise.reject(redisError(err, this.where)),
    );
    return replies;
  }
  send(args: RedisArg[]): Promise<unknown> {
    countRequest('request');
    return this.conn.sendCommand(args).catch((err) => Promise.reject(redisError(err, this.where)));
  }
  evaluate(script: RedisScript, call: { keys: string[]; args: RedisArg[] }): Promise<unknown> {
    countRequest('request');
    return evalScript(this.conn, script, call).catch((err) => Promise.reject(redisError(err, this.where)));
  }
  get watchedKeys(): number {
    return this.watched.size;
  }
}
