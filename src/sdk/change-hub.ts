import { FsError } from '../errors/index.js';
import type { Change, ChangeListener, ChangeSubscription } from '../meta/change.js';
import type { Engine } from '../meta/engine.js';

/**
 * One subscription to the engine's change feed per volume, shared by its watchers: opened with
 * the first watcher, closed with the last (or with the volume).
 */
export class ChangeHub {
  private readonly listeners = new Set<ChangeListener>();
  private subscription: Promise<ChangeSubscription> | undefined;

  constructor(private readonly engine: Engine) {}

  /** Adds a listener; resolves once changes committed from now on reach it. */
  async add(listener: ChangeListener): Promise<void> {
    if (!this.engine.subscribeChanges) throw new FsError('ENOSYS', { syscall: 'watch', detail: `the ${this.engine.scheme} engine has no change feed` });
    this.listeners.add(listener);
    this.subscription ??= this.engine.subscribeChanges((changes: readonly Change[]) => {
      for (const l of this.listeners) l(changes);
    });
    try {
      await this.subscription;
    } catch (err) {
      this.listeners.delete(listener);
      this.subscription = undefined;
      throw err;
    }
  }

  /** Removes a listener; the last one closes the subscription. */
  async remove(listener: ChangeListener): Promise<void> {
    if (!this.listeners.delete(listener) || this.listeners.size) return;
    await this.close();
  }

  /** Closes the subscription (the volume closes). */
  async close(): Promise<void> {
    const subscription = this.subscription;
    this.subscription = undefined;
    this.listeners.clear();
    if (subscription) await (await subscription.catch(() => undefined))?.close();
  }
}
