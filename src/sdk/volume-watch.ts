import { EventEmitter } from 'node:events';
import type { WatchEventType } from 'node:fs';
import type { Change } from '../meta/change.js';
import type { Attr, Ino } from '../meta/types.js';
import type { ChangeHub } from './change-hub.js';
import { ChangeNames } from './change-names.js';
import { ArgumentError, type PathLike, toOptions, toPath } from './node-args.js';
import { withPaths } from './volume-errors.js';
import { parentOf, type PathContext, resolve } from './volume-paths.js';

/** Node's watch options; `persistent` is accepted (a volume's feed never keeps a process alive on its own). */
export interface VolumeWatchOptions {
  encoding?: BufferEncoding | 'buffer';
  persistent?: boolean;
  recursive?: boolean;
  signal?: AbortSignal;
}

/** One event, as Node's fs/promises watch yields it. */
export interface VolumeChangeInfo<T extends string | Buffer> {
  eventType: WatchEventType;
  filename: T | null;
}

/** Events a watcher holds for a reader that does not keep up (Node 22's default maxQueue); later ones are dropped. */
export const MAX_QUEUED_EVENTS = 2048;

/** What the watcher reports through: each event, and a failure (after which it is closed). */
interface WatchSink {
  event(eventType: WatchEventType, filename: string | Buffer | null): void;
  error(err: Error): void;
  /** The volume closed: no more events. */
  end(): void;
}

/** What a watch needs of its volume. */
export interface WatchContext extends PathContext {
  changes: ChangeHub;
}

type Target = { attr: Attr; parent: Ino; name: Buffer };

/**
 * One watch of a path, fed by the volume's change feed (changes from every client of the
 * volume): a file reports its own changes; a directory its entries, and with `recursive` every
 * entry below it. Events are worked out in order, one change batch at a time.
 */
export class ChangeWatch {
  /** Resolves once the watch receives changes (committed after this); rejects with the path's error. */
  readonly ready: Promise<void>;
  private closed = false;
  private work: Promise<void> = Promise.resolve();
  private target: Target | undefined;
  private names: ChangeNames | undefined;
  private readonly listener = (changes: readonly Change[]) => {
    if (!this.closed) this.work = this.work.then(() => this.dispatch(changes)).catch((err: Error) => this.fail(err));
  };

  constructor(
    private readonly vol: WatchContext,
    private readonly at: { path: string; recursive: boolean; encoding: BufferEncoding | 'buffer' },
    private readonly sink: WatchSink,
  ) {
    this.ready = withPaths({ syscall: 'watch', path: at.path }, () => this.start());
    this.ready.catch(() => undefined);
  }

  private async start(): Promise<void> {
    const attr = await resolve(this.vol, this.at.path);
    const { parent, name } = attr.ino === 1 ? { parent: { ino: 1 as Ino }, name: Buffer.alloc(0) } : await parentOf(this.vol, this.at.path, 'watch');
    this.target = { attr, parent: parent.ino, name };
    this.names = new ChangeNames(this.vol.meta.engine, attr.ino);
    if (this.closed) return;
    await this.vol.changes.add(this.listener, () => {
      if (this.closed) return;
      this.closed = true;
      this.sink.end();
    });
    if (this.closed) await this.vol.changes.remove(this.listener);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.ready.catch(() => undefined);
    await this.vol.changes.remove(this.listener);
  }

  private fail(err: Error): void {
    if (this.closed) return;
    this.sink.error(err);
    void this.close();
  }

  private emit(eventType: WatchEventType, name: string | Buffer | null): void {
    if (this.closed) return;
    const filename = name === null ? null : this.at.encoding === 'buffer' ? Buffer.from(name) : Buffer.from(name).toString(this.at.encoding);
    this.sink.event(eventType, filename);
  }

  private async dispatch(changes: readonly Change[]): Promise<void> {
    const t = this.target!;
    for (const c of changes) {
      if (this.closed) return;
      this.names!.saw(c);
      if (t.attr.type !== 'dir') {
        if (c.name ? c.parent === t.parent && c.name.equals(t.name) : c.ino === t.attr.ino) this.emit(c.name ? 'rename' : 'change', t.name);
        else if (!c.name && !c.ino && (c.parent === 0 || c.parent === t.parent)) this.emit('rename', t.name);
        continue;
      }
      if (!c.name && !c.ino) {
        // A coarsened change: names were not kept.
        if (c.parent === 0 || c.parent === t.attr.ino || (this.at.recursive && (await this.names!.relativeDir(c.parent)) !== null)) this.emit('rename', null);
        continue;
      }
      if (c.ino === t.attr.ino || !c.parent) continue;
      const dir = c.parent === t.attr.ino ? '' : this.at.recursive ? await this.names!.relativeDir(c.parent) : null;
      if (dir === null) continue;
      const name = c.name ?? (await this.names!.nameIn(c.parent, c.ino));
      if (!name) continue;
      this.emit(c.name ? 'rename' : 'change', dir ? Buffer.concat([Buffer.from(`${dir}/`), name]) : name);
    }
  }
}

/** Reads Node's watch arguments. */
export function watchArguments(filename: PathLike, options: VolumeWatchOptions | BufferEncoding | 'buffer' | undefined) {
  const path = toPath(filename, 'filename');
  const o = toOptions(options as VolumeWatchOptions | BufferEncoding | undefined, { encoding: 'utf8' as BufferEncoding | 'buffer', recursive: false, persistent: true, signal: undefined as AbortSignal | undefined });
  if (typeof o.recursive !== 'boolean') throw new ArgumentError('ERR_INVALID_ARG_TYPE', `The "options.recursive" property must be of type boolean. Received ${typeof o.recursive}`);
  return { path, recursive: o.recursive, encoding: (o.encoding ?? 'utf8') as BufferEncoding | 'buffer', signal: o.signal };
}

/** An AsyncIterable of events (Node's fs/promises watch), plus `ready` and `close()`. */
export interface VolumeWatcher<T extends string | Buffer> extends AsyncIterableIterator<VolumeChangeInfo<T>> {
  /** slicefs: resolves once changes committed from now on will be reported (rejects with the path's error). */
  readonly ready: Promise<void>;
  /** slicefs: ends the iteration, as `return()` does. */
  close(): Promise<void>;
}

/** fs/promises watch on a volume: events in order; `signal` aborts with an AbortError as Node's does. */
export function watchIterator<T extends string | Buffer>(vol: WatchContext, filename: PathLike, options?: VolumeWatchOptions | BufferEncoding | 'buffer'): VolumeWatcher<T> {
  const a = watchArguments(filename, options);
  const queue: Array<VolumeChangeInfo<T>> = [];
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  let done = false;
  const poke = () => (wake?.(), (wake = undefined));
  const watch = new ChangeWatch(vol, a, {
    event(eventType, filename) {
      if (queue.length < MAX_QUEUED_EVENTS) queue.push({ eventType, filename: filename as T | null });
      poke();
    },
    error(err) {
      failure = err;
      poke();
    },
    end() {
      done = true;
      poke();
    },
  });
  const onAbort = () => {
    failure ??= Object.assign(new Error('The operation was aborted'), { name: 'AbortError', code: 'ABORT_ERR', cause: a.signal?.reason });
    void watch.close();
    poke();
  };
  if (a.signal?.aborted) onAbort();
  else a.signal?.addEventListener('abort', onAbort, { once: true });
  const finish = async () => {
    done = true;
    a.signal?.removeEventListener('abort', onAbort);
    await watch.close();
    poke();
  };
  const iterator: VolumeWatcher<T> = {
    ready: watch.ready,
    async next(): Promise<IteratorResult<VolumeChangeInfo<T>>> {
      if (!done && !failure) await watch.ready.catch((err: Error) => (failure = err));
      for (;;) {
        if (queue.length) return { value: queue.shift()!, done: false };
        if (failure) {
          const err = failure;
          await finish();
          throw err;
        }
        if (done) return { value: undefined, done: true };
        await new Promise<void>((r) => (wake = r));
      }
    },
    async return(): Promise<IteratorResult<VolumeChangeInfo<T>>> {
      queue.length = 0;
      await finish();
      return { value: undefined, done: true };
    },
    close: async () => void (await iterator.return!()),
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}

/** Node's FSWatcher on a volume: 'change' (eventType, filename), 'error', 'close'; `ready` (slicefs) as above. */
export class VolumeFSWatcher extends EventEmitter {
  readonly ready: Promise<void>;
  private readonly watch: ChangeWatch;

  constructor(vol: WatchContext, filename: PathLike, options?: VolumeWatchOptions | BufferEncoding | 'buffer') {
    super();
    const a = watchArguments(filename, options);
    this.watch = new ChangeWatch(vol, a, {
      event: (eventType, name) => this.emit('change', eventType, name),
      error: (err) => this.emit('error', err),
      end: () => this.emit('close'),
    });
    this.ready = this.watch.ready;
    this.ready.catch((err: Error) => this.emit('error', err));
    if (a.signal?.aborted) void this.close();
    else a.signal?.addEventListener('abort', () => void this.close(), { once: true });
  }

  /** Stops the watch; 'close' follows once its subscription is released. */
  close(): void {
    void this.watch.close().then(() => this.emit('close'));
  }
  /** Accepted for Node's shape: a volume's watch holds no handle of its own. */
  ref(): this {
    return this;
  }
  unref(): this {
    return this;
  }
}

/** Node's callback `fs.watch(filename[, options][, listener])` on a volume. */
export function fsWatch(vol: WatchContext, filename: PathLike, options?: VolumeWatchOptions | BufferEncoding | 'buffer' | WatchListener, listener?: WatchListener): VolumeFSWatcher {
  const watcher = new VolumeFSWatcher(vol, filename, typeof options === 'function' ? undefined : options);
  const l = typeof options === 'function' ? options : listener;
  if (l) watcher.on('change', l);
  return watcher;
}
type WatchListener = (eventType: WatchEventType, filename: string | Buffer | null) => void;
