/** Records how to reverse each map change of a transaction, so a failed one leaves no trace. */
export class UndoLog {
  private readonly steps: Array<() => void> = [];

  /** Sets or (with undefined) deletes `key`, remembering the old value. */
  set<K, V>(map: Map<K, V>, key: K, value: V | undefined): void {
    const had = map.has(key);
    const old = map.get(key);
    this.steps.push(() => (had ? map.set(key, old as V) : map.delete(key)));
    if (value === undefined) map.delete(key);
    else map.set(key, value);
  }

  /** The nested map at `key`, created (undoably) when missing. */
  inner<K, K2, V2>(map: Map<K, Map<K2, V2>>, key: K): Map<K2, V2> {
    let inner = map.get(key);
    if (!inner) this.set(map, key, (inner = new Map()));
    return inner;
  }

  /** Reverses every change, newest first. */
  rollback(): void {
    for (let i = this.steps.length - 1; i >= 0; i--) this.steps[i]!();
    this.steps.length = 0;
  }
}
