import { FsError } from '../../errors/index.js';
import type { Engine, EngineTx } from '../engine.js';
import type { VolumeSettings } from '../types.js';

/** How much one change grows the volume's logical usage, and the operation (for the error). */
export interface Growth {
  bytes?: number;
  inodes?: number;
  syscall: string;
  ino?: number;
}

type Limits = Pick<VolumeSettings, 'capacity' | 'inodeLimit'>;

const over = (limit: number | undefined, grow: number | undefined) => (limit ?? 0) > 0 && (grow ?? 0) > 0;

function check(limits: Limits, usage: { usedBytes: number; inodes: number }, grow: Growth): void {
  if (over(limits.capacity, grow.bytes) && usage.usedBytes + grow.bytes! > limits.capacity!) {
    throw new FsError('ENOSPC', { syscall: grow.syscall, ino: grow.ino, detail: `volume capacity ${limits.capacity} bytes reached (${usage.usedBytes} used)` });
  }
  if (over(limits.inodeLimit, grow.inodes) && usage.inodes + grow.inodes! > limits.inodeLimit!) {
    throw new FsError('ENOSPC', { syscall: grow.syscall, ino: grow.ino, detail: `volume inode limit ${limits.inodeLimit} reached (${usage.inodes} used)` });
  }
}

/**
 * The volume-wide limits of `slicefs config --capacity/--inodes` (DESIGN §6): ENOSPC when a
 * change would grow logical usage (the `usedBytes` and `inodes` counters) past them. Called
 * inside the change's transaction, before it counts its growth, so the check and the change
 * commit together. Costs nothing on volumes without limits (no counter is read).
 */
export async function checkVolumeLimits(limits: Limits, at: { tx: Pick<EngineTx, 'getCounter'> } & Growth): Promise<void> {
  const needBytes = over(limits.capacity, at.bytes);
  const needInodes = over(limits.inodeLimit, at.inodes);
  if (!needBytes && !needInodes) return;
  const usage = {
    usedBytes: needBytes ? await at.tx.getCounter('usedBytes') : 0,
    inodes: needInodes ? await at.tx.getCounter('inodes') : 0,
  };
  check(limits, usage, at);
}

/**
 * ENOSPC when usage is already past a limit: checked between the batches of a directory clone
 * (set-based batches count their growth on the server), which then removes its partial copy.
 */
export async function checkVolumeUsage(limits: Limits, at: { engine: Pick<Engine, 'getCounter'>; syscall: string }): Promise<void> {
  if (!((limits.capacity ?? 0) > 0) && !((limits.inodeLimit ?? 0) > 0)) return;
  const usage = { usedBytes: await at.engine.getCounter('usedBytes'), inodes: await at.engine.getCounter('inodes') };
  // Growing by nothing is never over a limit: ask whether the usage already passed one (> is >= +1).
  check(limits, { usedBytes: usage.usedBytes, inodes: usage.inodes }, { syscall: at.syscall, bytes: Number.MIN_VALUE, inodes: Number.MIN_VALUE });
}
