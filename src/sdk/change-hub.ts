import { FsError } from '../errors/index.js';
import type { Change, ChangeListener, ChangeSubscription } from '../meta/change.js';
import type { Engine } from '../meta/engine.js';

/**
 * One subscription to the engine's change feed per volume, shared by its watchers: opened with
 * the first watcher, closed with the last (or with the volume).
 */
export class ChangeHub {
  private readonly listeners = new Map<ChangeListener, () => void>();
  private subscription: Promise<ChangeSubscription> | undefined;

  constructor(private readonly engine: Engine) {}

  /** Adds a listener (`onEnd` runs if the volume closes first); resolves once changes committed from now on reach it. */
  async add(listener: ChangeListener, onEnd: () => void): Promise<void> {
    if (!this.engine.subscribeChanges) throw new FsError('ENOSYS', { syscall: 'watch', detail: `the ${this.engine.scheme} engine has no change feed` });
    this.listeners.set(listener, onEnd);
    this.subscription ??= this.engine.subscribeChanges((changes: readonly Change[]) => {
      for (const l of this.listeners.keys()) l(changes);
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

  /** Closes the subscription and ends every watch (the volume closes). */
  async close(): Promise<void> {
    const subscription = this.subscription;
    this.subscription = undefined;
    const ends = [...this.listeners.values()];
    this.listeners.clear();
    for (const end of ends) end();
    if (subscription) await (await subscription.catch(() => undefined))?.close();
  }
}
