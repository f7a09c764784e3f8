// Compiled by test/sdk-types.test.ts (tsc --noEmit): the SDK's public types must stay assignable
// to Node's own, so TypeScript users get a compile error, not a runtime surprise, where they differ.
// Each line names one function of `typeof import('node:fs/promises')`; a @ts-expect-error line is
// a difference docs/sdk.md lists, kept here so it fails the build once it no longer differs.
import type * as nodefs from 'node:fs/promises';
import type * as nodefsCallbacks from 'node:fs';
import type { Volume } from '../../src/sdk/index.js';

declare const vol: Volume;

/** Every function of fs/promises a volume has, with Node's signatures (overloads included). */
export const promises: Pick<
  typeof nodefs,
  | 'access' | 'appendFile' | 'chmod' | 'chown' | 'copyFile' | 'cp' | 'lchmod' | 'lchown' | 'link' | 'lstat' | 'lutimes'
  | 'mkdir' | 'mkdtemp' | 'opendir' | 'readdir' | 'readFile' | 'readlink' | 'realpath' | 'rename' | 'rm' | 'rmdir' | 'stat'
  | 'statfs' | 'symlink' | 'truncate' | 'unlink' | 'utimes' | 'watch' | 'writeFile' | 'constants'
> = vol;

/** vol.open's VolumeFileHandle is assignable to Node's FileHandle (its streams carry ReadStream's/WriteStream's fields). */
export const open: typeof nodefs.open = vol.open;

/** vol.fs: Node's callback functions, with Node's types. */
export const callbacks: Pick<
  typeof nodefsCallbacks,
  | 'access' | 'appendFile' | 'chmod' | 'chown' | 'close' | 'copyFile' | 'cp' | 'exists' | 'fstat' | 'fsync' | 'ftruncate'
  | 'lstat' | 'mkdir' | 'open' | 'read' | 'readdir' | 'readFile' | 'readlink' | 'realpath' | 'rename' | 'rm' | 'rmdir'
  | 'stat' | 'symlink' | 'truncate' | 'unlink' | 'utimes' | 'write' | 'writeFile' | 'constants'
> = vol.fs;

// Differs: vol.fs.createReadStream/createWriteStream return ReadStream/WriteStream-shaped streams
// (`path`, byte counts, `pending`, `close`) but take only the options a volume honours (no `fd`,
// `fs`, `emitClose`, a null `signal`), so a call with Node's others is a compile error.
// @ts-expect-error the options are a subset of Node's
export const streams: Pick<typeof nodefsCallbacks, 'createReadStream' | 'createWriteStream'> = vol.fs;
export const readStream: nodefsCallbacks.ReadStream = vol.fs.createReadStream('/f', { start: 0 });

// Differs: a volume has no synchronous functions; each *Sync throws ERR_METHOD_NOT_IMPLEMENTED.
// @ts-expect-error readFileSync is typed to throw (never), not to return data
export const readFileSync: typeof nodefsCallbacks.readFileSync = vol.fs.readFileSync;

// vol.fs.watch gives an FSWatcher-shaped emitter.
export const watcher: Pick<nodefsCallbacks.FSWatcher, 'close' | 'ref' | 'unref' | 'on'> = vol.fs.watch('/');
