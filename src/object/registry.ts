import path from 'node:path';
import { CodedError, urlBody, urlScheme } from '../errors/index.js';
import type { ObjectStore } from './object-store.js';
import { FileStore } from './stores/file/file-store.js';
import { MemoryStore } from './stores/memory/memory-store.js';
import { wrapperParams } from './wrapper-params.js';
import { withFaults } from './wrappers/with-faults.js';
import { withRetry } from './wrappers/with-retry.js';

/** Opens a store from its URL; one entry per scheme. */
export type StoreFactory = (url: string) => Promise<ObjectStore>;

/** Every storage URL scheme slicefs understands, and how to open it. */
export const storeFactories: Readonly<Record<string, StoreFactory>> = {
  file: async (url) => new FileStore(url, fileRoot(url)),
  mem: async (url) => new MemoryStore(url),
  // Loaded on use: the AWS SDK costs ~0.3 s of start-up that file and memory volumes should not pay.
  s3: async (url) => (await import('./stores/s3/open-s3-store.js')).openS3Store(url),
};

/** The directory of a `file://` URL: `file:///abs/dir/` or `file://./relative/dir/`. */
export function fileRoot(url: string): string {
  const { body } = urlBody(url);
  if (body === '') throw new CodedError('ERR_BAD_URL', `${url}: file:// URL has no directory`, { subject: url });
  return path.resolve(decodeURIComponent(body));
}

/**
 * Opens the object store a URL names, wrapped: `?faults=` rules innermost (they stand for the
 * store failing), then retries of transient failures (`?retries=N`, default 4; 0 turns it
 * off). File and memory stores raise no transient failures of their own, so the retry layer
 * only acts for them when faults are injected.
 */
export async function openObjectStore(url: string): Promise<ObjectStore> {
  const scheme = urlScheme(url, Object.keys(storeFactories), 'storage');
  const { base, faults, retries } = wrapperParams(url);
  const store = await storeFactories[scheme]!(base);
  const faulty = faults.length ? withFaults(store, faults) : store;
  return retries > 0 ? withRetry(faulty, { attempts: retries + 1 }) : faulty;
}
