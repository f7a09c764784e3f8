import type { Engine } from './engine.js';
import type { IdAllocator } from './id-allocator.js';
import type { DeferredReleases } from './deferred-releases.js';
import type { OpenFiles } from './open-files.js';
import type { RecentAttrs } from './recent-attrs.js';
import type { SeenEntries } from './seen-entries.js';
import type { Ino, SessionId, VolumeSettings } from './types.js';

/** What the shared metadata logic works with: the engine and this client's state. */
export interface MetaContext {
  readonly engine: Engine;
  readonly settings: VolumeSettings;
  readonly session: SessionId;
  readonly inodeIds: IdAllocator;
  readonly sliceIds: IdAllocator;
  readonly openFiles: OpenFiles;
  /** Closes whose open records are dropped in batches. */
  readonly releases: DeferredReleases;
  /** Attributes this client's own commits wrote, briefly (getattrRecent, release). */
  readonly recent: RecentAttrs;
  /** Attributes and entries this client read lately: what an unlink may assume (unlink). */
  readonly seen: SeenEntries;
  /** Resolves while this client's session is alive; EIO once it is fenced (DESIGN §4). */
  readonly ensureLive: () => Promise<void>;
  /** Detached trees of aborted clones whose removal failed, retried when the engine answers again. */
  readonly abandoned: { remove(root: Ino): Promise<void>; retry(): Promise<void> };
}
