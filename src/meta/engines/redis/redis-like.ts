/** One argument of a Redis command: text or bytes. */
export type RedisArg = string | Buffer;

/** The slice of a node-redis connection the engine uses (so drivers can be swapped and faults injected). */
export interface RedisLike {
  /** Sends one command; replies arrive with bulk strings as Buffers and maps as flat arrays. */
  sendCommand(args: RedisArg[]): Promise<unknown>;
  /** WATCH, tracked by the client so a reconnect between WATCH and EXEC aborts the transaction. */
  watch(key: string | string[]): Promise<unknown>;
  /** Forgets every watched key of this connection. */
  unwatch(): Promise<unknown>;
  /** A MULTI … EXEC block. */
  multi(): RedisMultiLike;
}

/** Commands queued for one MULTI … EXEC. */
export interface RedisMultiLike {
  /** Queues a raw command. */
  addCommand(args: RedisArg[]): RedisMultiLike;
  /** Sends MULTI, the commands and EXEC; rejects when a watched key changed. */
  exec(): Promise<unknown[]>;
}

/** Isolated connections for WATCH transactions. */
export interface RedisPoolLike {
  /** Runs `fn` with a connection no one else uses meanwhile. */
  execute<T>(fn: (conn: RedisLike) => Promise<T>): Promise<T>;
}

/** Everything the engine needs from the driver: a shared connection, a pool, and how conflicts look. */
export interface RedisConnections {
  /** Shared, auto-pipelined connection for reads and single commands. */
  readonly client: RedisLike;
  /** Isolated connections for transactions. */
  readonly pool: RedisPoolLike;
  /** True when an error means EXEC was aborted by a watched key (retry the transaction). */
  isConflict(err: unknown): boolean;
  /** Subscribes a connection of its own to a pub/sub channel; the function returned unsubscribes and closes it. */
  subscribe(channel: string, listener: (message: string) => void): Promise<() => Promise<void>>;
  /** Closes every connection. */
  close(): Promise<void>;
}
