import { CodedError, FsError, redactUrl } from '../errors/index.js';
import type { Engine } from '../meta/engine.js';
import { openEngine } from '../meta/registry.js';
import { ensureTrash } from '../meta/trash/trash.js';
import { FORMAT_VERSION, type SessionInfo, type VolumeSettings } from '../meta/types.js';
import { absoluteStorage, checkInlineSize } from './format-volume.js';
import { parseSize } from './sizes.js';
import { probeStore } from './store-probe.js';

/** What `slicefs config` may change; absent fields stay as they are. */
export interface ConfigChanges {
  /** Days deleted files stay in the trash (0: none). */
  trashDays?: number;
  /** Logical bytes the volume may hold, in bytes or as text (`100G`); 0 removes the limit. */
  capacity?: number | string;
  /** Inodes the volume may hold; 0 removes the limit. */
  inodes?: number;
  /** Block size of slices written from now on (`8M`); existing slices keep theirs. */
  blockSize?: number | string;
  /** New storage URL (the bucket moved); checked reachable and writable before it is saved. */
  storage?: string;
  /** Slices up to this size (`4K`) written from now on keep their bytes in the engine; 0: none. */
  inlineSize?: number | string;
}

/** The settings before and after, and the names of the fields that changed. */
export interface ConfigResult {
  before: VolumeSettings;
  settings: VolumeSettings;
  changed: string[];
}

const MIN_BLOCK = 4 * 1024;
const MAX_BLOCK = 64 * 1024 * 1024;

function wholeNumber(value: unknown, option: string): number {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) {
    throw new FsError('EINVAL', { syscall: 'config', path: option, detail: `'${value}' is not a whole number` });
  }
  return n;
}

function size(value: number | string, option: string): number {
  try {
    return parseSize(value, option);
  } catch (err) {
    throw new FsError('EINVAL', { syscall: 'config', path: option, detail: (err as Error).message, cause: err });
  }
}

/** Sessions whose heartbeat has not expired: clients that may be using the volume now. */
export async function liveSessions(engine: Engine, at = Date.now()): Promise<SessionInfo[]> {
  return (await engine.listSessions()).filter((s) => s.expires >= at);
}

/** EBUSY naming the live sessions, for changes that running clients must not see half-way. */
export function busyError(syscall: string, sessions: readonly SessionInfo[], what: string): FsError {
  const list = sessions.map((s) => `#${s.id} ${s.program} pid ${s.pid} on ${s.host}`).join(', ');
  return new FsError('EBUSY', { syscall, detail: `${what} while ${sessions.length} session(s) are alive: ${list}` });
}

/** Opens the engine of a formatted volume (ERR_NOT_FORMATTED otherwise) with its settings. */
export async function openFormatted(metaUrl: string): Promise<{ engine: Engine; settings: VolumeSettings }> {
  const engine = await openEngine(metaUrl);
  try {
    const settings = await engine.loadSettings();
    if (!settings) throw new CodedError('ERR_NOT_FORMATTED', `${redactUrl(metaUrl)}: no volume here (run slicefs format first)`, { subject: metaUrl });
    if (settings.version !== FORMAT_VERSION) {
      throw new CodedError('ERR_FORMAT_VERSION', `${redactUrl(metaUrl)}: format version ${settings.version} is not ${FORMAT_VERSION}`, { subject: metaUrl });
    }
    return { engine, settings };
  } catch (err) {
    await engine.close();
    throw err;
  }
}

/** The settings after `changes`, validated; the block size history gains the old size. */
async function nextSettings(engine: Engine, before: VolumeSettings, changes: ConfigChanges): Promise<VolumeSettings> {
  const next: VolumeSettings = { ...before, blockHistory: before.blockHistory && [...before.blockHistory] };
  if (changes.trashDays !== undefined) next.trashDays = wholeNumber(changes.trashDays, '--trash-days');
  if (changes.capacity !== undefined) next.capacity = size(changes.capacity, '--capacity');
  if (changes.inodes !== undefined) next.inodeLimit = wholeNumber(changes.inodes, '--inodes');
  if (changes.storage !== undefined) next.storage = absoluteStorage(changes.storage);
  if (changes.inlineSize !== undefined) next.inlineSize = checkInlineSize(size(changes.inlineSize, '--inline-size'), 'config');
  if (changes.blockSize !== undefined) {
    const blockSize = size(changes.blockSize, '--block-size');
    if (!(Number.isInteger(blockSize) && blockSize >= MIN_BLOCK && blockSize <= MAX_BLOCK)) {
      throw new FsError('EINVAL', { syscall: 'config', path: '--block-size', detail: `${blockSize} is outside 4K..64M` });
    }
    if (blockSize !== before.blockSize) {
      // Every slice id handed out so far is at most the counter: those keep the old size.
      const belowSlice = (await engine.getCounter('nextSlice')) + 1;
      if (belowSlice > 1) next.blockHistory = [...(next.blockHistory ?? []), { belowSlice, blockSize: before.blockSize }];
      next.blockSize = blockSize;
    }
  }
  if (!next.capacity) delete next.capacity;
  if (!next.inodeLimit) delete next.inodeLimit;
  // 0 stays recorded once a volume had inline data (readers then still look for it); never set: absent.
  if (!next.inlineSize && before.inlineSize === undefined) delete next.inlineSize;
  if (!next.blockHistory?.length) delete next.blockHistory;
  return next;
}

const FIELDS = ['trashDays', 'capacity', 'inodeLimit', 'inlineSize', 'blockSize', 'storage'] as const;

/**
 * Changes a volume's settings (`slicefs config`). A new storage URL is probed (put, get,
 * delete) before anything is saved. A block size change is refused (EBUSY) while any client
 * is connected: clients write with the size they read at open. Limits and trash days reach
 * running clients at their next heartbeat, and so does the inline size; storage and block size at their next open.
 */
export async function configureVolume(metaUrl: string, changes: ConfigChanges): Promise<ConfigResult> {
  const { engine, settings: before } = await openFormatted(metaUrl);
  try {
    const settings = await nextSettings(engine, before, changes);
    const changed = FIELDS.filter((f) => before[f] !== settings[f]);
    if (!changed.length) return { before, settings, changed };
    if (changed.includes('blockSize')) {
      const live = await liveSessions(engine);
      if (live.length) throw busyError('config', live, 'cannot change the block size');
    }
    if (changed.includes('storage')) await probeStore(settings.storage, 'config');
    if (settings.trashDays > 0 && before.trashDays === 0) await engine.txn((tx) => ensureTrash(tx));
    await engine.saveSettings(settings);
    if (changed.includes('blockSize')) {
      // A client that opened meanwhile may have read the old size: undo, and say who.
      const live = await liveSessions(engine);
      if (live.length) {
        await engine.saveSettings(before);
        throw busyError('config', live, 'cannot change the block size');
      }
    }
    return { before, settings, changed };
  } finally {
    await engine.close();
  }
}

/** A volume's settings (`slicefs config` without changes). */
export async function volumeConfig(metaUrl: string): Promise<VolumeSettings> {
  const { engine, settings } = await openFormatted(metaUrl);
  await engine.close();
  return settings;
}
