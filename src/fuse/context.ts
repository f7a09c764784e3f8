import { type Ino, ROOT_INO } from '../meta/types.js';
import type { Vfs } from '../vfs/vfs.js';
import type { DecodedOf } from './abi/layout.js';
import type { fuse_init_in, fuse_init_out } from './abi/structs.js';
import type { DirHandles } from './dir-handles.js';
import type { KernelCache } from './kernel-cache.js';
import type { VirtualFiles } from './virtual-files.js';
import type { XattrNames } from './xattr-names.js';

/** What INIT, INTERRUPT and DESTROY ask of the session. */
export interface SessionControl {
  /** Negotiates the protocol: the kernel's offer in, our answer out. */
  init(offer: DecodedOf<typeof fuse_init_in>): DecodedOf<typeof fuse_init_out>;
  /** Aborts the in-flight request `unique`; false when no such request is being handled. */
  interrupt(unique: number): boolean;
  /** The kernel is tearing the mount down. */
  destroy(): void;
}

/** The mount's state that op handlers work with. */
export interface FuseContext {
  readonly vfs: Vfs;
  readonly dirs: DirHandles;
  readonly virtual: VirtualFiles;
  readonly kernel: KernelCache;
  /** Extended attribute names known for the attribute timeout (answers ls -l's probes). */
  readonly xattrNames: XattrNames;
  readonly control: SessionControl;
  /** The volume inode served as the mount's root (node id 1): the root, or the `--subdir` directory. */
  readonly root: Ino;
}

/** The volume inode a node id of a request's body names (node id 1 is the mount's root). */
export function inoOfNode(fs: Pick<FuseContext, 'root'>, nodeid: number): Ino {
  return (nodeid === ROOT_INO ? fs.root : nodeid) as Ino;
}
