import type { ObjectStore } from './object-store.js';

/** Deletes objects by key: in batches where the store can, else one request per key at once. */
export async function deleteObjects(store: ObjectStore, keys: readonly string[]): Promise<void> {
  if (keys.length === 0) return;
  if (store.supports.deleteMany && store.deleteMany) return store.deleteMany(keys);
  await Promise.all(keys.map((key) => store.delete(key)));
}
