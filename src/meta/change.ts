import type { Ino } from './types.js';

/**
 * One change a committed transaction made, as watchers see it (`vol.watch`).
 * - `name` set: the entry `name` of directory `parent` was created, replaced or removed
 *   (`ino` is what it names now, 0 when removed).
 * - `name` unset, `ino` set: the inode's data or attributes changed; `parent` is its directory
 *   (0 when it has several names).
 * - `name` unset, `ino` 0: something in directory `parent` changed, names not kept (a large
 *   transaction, coarsened); `parent` 0 too: anything may have changed.
 */
export interface Change {
  parent: Ino;
  ino: Ino;
  name?: Buffer;
}

/** Receives the changes of committed transactions, in commit order, one batch per transaction (or more). */
export type ChangeListener = (changes: readonly Change[]) => void;

/** A live subscription to an engine's changes. */
export interface ChangeSubscription {
  /** Stops delivery and releases what the subscription holds (a connection, a timer). */
  close(): Promise<void>;
}

/** A change saying anything may have changed (a subscriber fell behind, or too much to list). */
export const EVERYTHING: Change = { parent: 0 as Ino, ino: 0 as Ino };

/** Changes as text for a notification or a log row: `[parent, ino, name in base64?]` per change. */
export function encodeChanges(changes: readonly Change[]): string {
  return JSON.stringify(changes.map((c) => (c.name ? [c.parent, c.ino, c.name.toString('base64')] : [c.parent, c.ino])));
}

/** The inverse of encodeChanges; anything unreadable becomes "anything may have changed". */
export function decodeChanges(text: string): Change[] {
  try {
    const rows = JSON.parse(text) as Array<[number, number, string?]>;
    return rows.map(([parent, ino, name]) => ({ parent: parent as Ino, ino: ino as Ino, ...(name !== undefined ? { name: Buffer.from(name, 'base64') } : {}) }));
  } catch {
    return [EVERYTHING];
  }
}

