/** One stored object as a listing or `head` reports it. */
export interface ObjectInfo {
  /** The object's key, relative to the store's root. */
  key: string;
  /** Its size in bytes. */
  size: number;
  /** When it was written (ms since the epoch), where the store tells. */
  mtime?: number;
}

/** A byte range of an object; a missing length means "to the end". */
export interface ByteRange {
  offset: number;
  length?: number;
}

/** One page of a listing, in key order. */
export interface ListPage {
  objects: ObjectInfo[];
  /** Pass as `startAfter` to get the next page; absent on the last page. */
  next?: string;
}

/** What to list: keys under a prefix, after a key, at most `limit` of them. */
export interface ListOptions {
  prefix?: string;
  startAfter?: string;
  limit?: number;
}

/** Capabilities of a store, declared as data; an optional method exists exactly when its flag is true. */
export interface StoreCapabilities {
  /** `put` refuses to replace an existing object (EEXIST) instead of overwriting it. */
  noOverwrite: boolean;
  /** `deleteMany` removes many objects in few requests. */
  deleteMany: boolean;
  /** `createBucket` creates the store's bucket when it is missing. */
  createBucket: boolean;
}

/**
 * The object-store contract. Objects are written once and never modified; keys are
 * relative slash-separated names without `..`. Failures are FsErrors: a missing object
 * is ENOENT, a refused key EINVAL, an existing key on a no-overwrite store EEXIST, a
 * refused credential EACCES, anything else EIO (with the store's own error as `cause`).
 */
export interface ObjectStore {
  /** The URL the store was opened with, for display. */
  readonly url: string;
  /** What the store guarantees beyond the contract. */
  readonly supports: StoreCapabilities;
  /** Stores `data` under `key` atomically: readers see all of it or nothing (durable only after `sync`). */
  put(key: string, data: Uint8Array): Promise<void>;
  /** Makes objects already put, and their names, survive a power cut; missing ones are skipped (S3: a put is durable on return). */
  sync(keys: readonly string[]): Promise<void>;
  /** Reads an object, or one byte range of it. */
  get(key: string, range?: ByteRange): Promise<Buffer>;
  /** The object's info, or undefined when it does not exist. */
  head(key: string): Promise<ObjectInfo | undefined>;
  /** Deletes an object; deleting a missing object succeeds. */
  delete(key: string): Promise<void>;
  /** Lists objects in key order, one page at a time. */
  list(options?: ListOptions): Promise<ListPage>;
  /** Deletes many objects, missing ones included, in as few requests as the store allows. */
  deleteMany?(keys: readonly string[]): Promise<void>;
  /** Creates the bucket the store lives in; an existing bucket is left as it is. */
  createBucket?(): Promise<void>;
  /** Releases connections and handles. */
  close(): Promise<void>;
}
