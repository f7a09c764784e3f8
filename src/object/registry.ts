import path from 'node:path';
import { CodedError, urlBody, urlScheme } from '../errors/index.js';
import type { ObjectStore } from './object-store.js';
import { FileStore } from './stores/file/file-store.js';
import { MemoryStore } from './stores/memory/memory-store.js';

/** Opens a store from its URL; one entry per scheme. */
export type StoreFactory = (url: string) => Promise<ObjectStore>;

/** Every storage URL scheme slicefs understands, and how to open it. */
export const storeFactories: Readonly<Record<string, StoreFactory>> = {
  file: async (url) => new FileStore(url, fileRoot(url)),
  mem: async (url) => new MemoryStore(url),
};

/** The directory of a `file://` URL: `file:///abs/dir/` or `file://./relative/dir/`. */
export function fileRoot(url: string): string {
  const { body } = urlBody(url);
  if (body === '') throw new CodedError('ERR_BAD_URL', `${url}: file:// URL has no directory`, { subject: url });
  return path.resolve(decodeURIComponent(body));
}

/** Opens the object store a URL names. */
export async function openObjectStore(url: string): Promise<ObjectStore> {
  const scheme = urlScheme(url, Object.keys(storeFactories), 'storage');
  return storeFactories[scheme]!(url);
}
