import { randomUUID } from 'node:crypto';
import { errnoDescription, FsError, redactUrl, toFsError } from '../errors/index.js';
import { openObjectStore } from '../object/registry.js';

/**
 * Checks that a storage URL is reachable and writable: puts, reads back and deletes one small
 * object. Throws an FsError (the store's errno, EIO when it has none) naming the redacted URL.
 */
export async function probeStore(url: string, syscall: string): Promise<void> {
  const shown = redactUrl(url);
  const fail = (err: unknown, what: string) => {
    const e = toFsError(err, { syscall });
    return new FsError(e.code, { syscall, path: shown, detail: `storage is not ${what}: ${e.detail ?? errnoDescription(e.code)}`, cause: err });
  };
  let store;
  try {
    store = await openObjectStore(url);
  } catch (err) {
    throw fail(err, 'usable');
  }
  try {
    const key = `slicefs-probe-${randomUUID()}`;
    const body = Buffer.from(key);
    await store.put(key, body);
    const back = await store.get(key);
    await store.delete(key);
    if (!back.equals(body)) throw new FsError('EIO', { syscall, detail: 'the probe object read back different bytes' });
  } catch (err) {
    throw fail(err, 'reachable and writable');
  } finally {
    await store.close().catch(() => undefined);
  }
}
