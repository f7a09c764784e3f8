/** The kernel's lock owner id (a u64) as the string the metadata keeps. */
export const lockOwner = (owner: bigint) => owner.toString(16);

/**
 * Which POSIX lock owners took locks through which open file handle, so that RELEASE can drop
 * open-file-description (OFD, `F_OFD_SETLK`) locks. The kernel gives an OFD lock the open file
 * itself as owner and never tells the server when it goes: the unlock it makes at the last close
 * (`locks_remove_file` with FL_CLOSE_POSIX) is swallowed by fuse_setlk ("handled by the flush
 * method"), FLUSH carries the process's owner, and RELEASE fills `lock_owner` only for flock.
 * An OFD owner is only ever used through its one handle, so at RELEASE every owner seen on that
 * handle and on no other open handle is dropped. A classic POSIX owner seen only there has lost
 * its locks at FLUSH already (closing any descriptor drops them), so dropping it again is harmless.
 */
export class HandleLockOwners {
  private readonly byHandle = new Map<number, Set<string>>();
  private readonly handlesOf = new Map<string, number>();

  /** A lock request by `owner` came through handle `fh`. */
  note(fh: number, owner: string): void {
    let owners = this.byHandle.get(fh);
    if (!owners) this.byHandle.set(fh, (owners = new Set()));
    if (owners.has(owner)) return;
    owners.add(owner);
    this.handlesOf.set(owner, (this.handlesOf.get(owner) ?? 0) + 1);
  }

  /** Forgets handle `fh`; returns the owners whose locks go with it (seen on no other open handle). */
  release(fh: number): string[] {
    const owners = this.byHandle.get(fh);
    if (!owners) return [];
    this.byHandle.delete(fh);
    const gone: string[] = [];
    for (const owner of owners) {
      const n = (this.handlesOf.get(owner) ?? 1) - 1;
      if (n > 0) this.handlesOf.set(owner, n);
      else (this.handlesOf.delete(owner), gone.push(owner));
    }
    return gone;
  }
}

const perMount = new WeakMap<object, HandleLockOwners>();

/** The handle-to-owner table of one mount (keyed by its context object). */
export function handleLockOwners(mount: object): HandleLockOwners {
  let table = perMount.get(mount);
  if (!table) perMount.set(mount, (table = new HandleLockOwners()));
  return table;
}
