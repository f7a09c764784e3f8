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

// Differs: vol.fs.createReadStream gives a Readable, not an fs.ReadStream.
// @ts-expect-error Readable is not a ReadStream
export const createReadStream: typeof nodefsCallbacks.createReadStream = vol.fs.createReadStream;

// vol.fs.watch gives an FSWatcher-shaped emitter.
export const watcher: Pick<nodefsCallbacks.FSWatcher, 'close' | 'ref' | 'unref' | 'on'> = vol.fs.watch('/');
