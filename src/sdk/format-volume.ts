import { randomUUID } from 'node:crypto';
import { homedir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { CodedError, errnoDescription, FsError, isFsError, urlBody, urlScheme } from '../errors/index.js';
import { type VolumeSettings, FORMAT_VERSION, MAX_INLINE_SIZE } from '../meta/types.js';
import { VolumeMeta } from '../meta/volume-meta.js';
import { engineFactories } from '../meta/registry.js';
import { openObjectStore, storeFactories } from '../object/registry.js';
import { parseSize } from './sizes.js';

/** What `format` takes beyond the metadata URL and volume name. */
export interface FormatOptions {
  /** Storage URL; default `file://~/.slicefs/local/<name>/`. */
  storage?: string;
  /** Block size in bytes or as text (`4M`); default 4 MiB. */
  blockSize?: number | string;
  /** Days deleted files stay in the trash (0: no trash). */
  trashDays?: number;
  /**
   * Written slices up to this size keep their bytes in the metadata engine instead of an object
   * (inline data: a small file costs no object put or get); bytes or text (`4K`), 0: none. Default 4 KiB.
   */
  inlineSize?: number | string;
  /** Replace an existing volume's metadata. */
  force?: boolean;
  /** Create the storage bucket when it is missing (stores that have buckets). */
  createBucket?: boolean;
}

const NAME = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;
const MIN_BLOCK = 4 * 1024;
const MAX_BLOCK = 64 * 1024 * 1024;

/** A `file://` URL made absolute, so every client finds the same directory. */
export function absoluteStorage(url: string): string {
  if (urlScheme(url, Object.keys(storeFactories), 'storage') !== 'file') return url;
  const { body, query } = urlBody(url);
  if (!body) throw new CodedError('ERR_BAD_URL', `${url}: file:// URL has no directory`, { subject: url });
  const dir = path.resolve(decodeURIComponent(body.replace(/^~(?=\/|$)/, homedir())));
  const params = query.toString();
  return pathToFileURL(dir).href.replace(/\/?$/, '/') + (params ? `?${params}` : '');
}

/** The default inline size of a new volume: one page, which covers most small files of source trees and packages. */
export const DEFAULT_INLINE_SIZE = 4096;

/** An inline size in range (0..64K), or EINVAL naming --inline-size. */
export function checkInlineSize(n: number, syscall: string): number {
  if (!(Number.isInteger(n) && n >= 0 && n <= MAX_INLINE_SIZE)) {
    throw new FsError('EINVAL', { syscall, path: '--inline-size', detail: `${n} is outside 0..${MAX_INLINE_SIZE / 1024}K` });
  }
  return n;
}

/** Checks a settings value, throwing a coded error naming the option. */
function check(ok: boolean, option: string, message: string): void {
  if (!ok) throw new CodedError('ERR_BAD_OPTION', `${option}: ${message}`, { subject: option });
}

/** Writes a new volume: validates options, checks the store is writable, then writes the settings. */
export async function formatVolume(metaUrl: string, name: string, options: FormatOptions = {}): Promise<VolumeSettings> {
  check(NAME.test(name), 'name', `'${name}' is not a valid volume name (3-63 of a-z, 0-9 and -, not starting or ending with -)`);
  const blockSize = parseSize(options.blockSize ?? 4 * 1024 * 1024, '--block-size');
  check(Number.isInteger(blockSize) && blockSize >= MIN_BLOCK && blockSize <= MAX_BLOCK, '--block-size', `${blockSize} is outside 4K..64M`);
  const inlineSize = checkInlineSize(parseSize(options.inlineSize ?? DEFAULT_INLINE_SIZE, '--inline-size'), 'format');
  const trashDays = options.trashDays ?? 0;
  check(Number.isInteger(trashDays) && trashDays >= 0, '--trash-days', `'${trashDays}' is not a whole number of days`);
  const storage = absoluteStorage(options.storage ?? `file://${homedir()}/.slicefs/local/${name}/`);
  urlScheme(metaUrl, Object.keys(engineFactories), 'metadata');
  if (!options.force && (await VolumeMeta.existing(metaUrl))) {
    throw new CodedError('ERR_ALREADY_FORMATTED', `${metaUrl}: volume already formatted (use --force)`, { subject: metaUrl });
  }
  const store = await openObjectStore(storage);
  const uuid = randomUUID();
  try {
    if (options.createBucket) await store.createBucket?.();
    const probe = `slicefs-format-check-${uuid}`;
    await store.put(probe, Buffer.from(uuid));
    await store.delete(probe);
  } catch (err) {
    const reason = isFsError(err, 'ENOENT') && store.supports.createBucket && !options.createBucket
      ? `${err.detail ?? 'the bucket does not exist'}; create it, or format with --create-bucket`
      : `storage is not writable: ${err instanceof FsError ? `${errnoDescription(err.code)}${err.detail ? ` (${err.detail})` : ''}` : (err as Error).message}`;
    throw new CodedError('ERR_STORE_UNWRITABLE', `${store.url}: ${reason}`, { subject: store.url, cause: err });
  } finally {
    await store.close();
  }
  const settings: VolumeSettings = { name, uuid, storage, blockSize, trashDays, version: FORMAT_VERSION, createdAt: Date.now() };
  if (inlineSize) settings.inlineSize = inlineSize;
  await VolumeMeta.format(metaUrl, settings, options.force ?? false);
  return settings;
}
