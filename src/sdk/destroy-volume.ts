import { FsError, redactUrl } from '../errors/index.js';
import { deleteObjects } from '../object/delete-objects.js';
import { listAll } from '../object/list-all.js';
import { openObjectStore } from '../object/registry.js';
import type { VolumeSettings } from '../meta/types.js';
import { busyError, liveSessions, openFormatted } from './configure-volume.js';

/** What `destroy` removed. */
export interface DestroyReport {
  settings: VolumeSettings;
  /** Objects deleted from the store. */
  objects: number;
}

/** How to destroy: progress (objects deleted so far) for a terminal. */
export interface DestroyOptions {
  onProgress?: (phase: 'objects' | 'metadata', done: number) => void;
}

const BATCH = 1000;

/**
 * Deletes a volume for good (`slicefs destroy`): every object under the store's `chunks/`,
 * then everything the volume holds in the metadata engine. `uuid` must be the volume's (the
 * confirmation JuiceFS asks for too): EINVAL and nothing deleted otherwise. Refused with EBUSY
 * while a session is alive (a mount, an SDK client, a CLI command), listing them.
 */
export async function destroyVolume(metaUrl: string, uuid: string, options: DestroyOptions = {}): Promise<DestroyReport> {
  const { engine, settings } = await openFormatted(metaUrl);
  let closed = false;
  try {
    if (uuid !== settings.uuid) {
      throw new FsError('EINVAL', { syscall: 'destroy', path: redactUrl(metaUrl), detail: `${uuid} is not the volume's UUID (slicefs status shows it)` });
    }
    const live = await liveSessions(engine);
    if (live.length) throw busyError('destroy', live, 'cannot destroy the volume');
    const store = await openObjectStore(settings.storage);
    let objects = 0;
    try {
      for (;;) {
        // List from the start each round: deleting while paging would skip keys on some stores.
        const keys: string[] = [];
        for await (const o of listAll(store, 'chunks/', BATCH)) {
          keys.push(o.key);
          if (keys.length === BATCH) break;
        }
        if (!keys.length) break;
        await deleteObjects(store, keys);
        objects += keys.length;
        options.onProgress?.('objects', objects);
      }
    } finally {
      await store.close();
    }
    options.onProgress?.('metadata', 0);
    closed = true;
    await engine.destroy();
    options.onProgress?.('metadata', 1);
    return { settings, objects };
  } finally {
    if (!closed) await engine.close();
  }
}
