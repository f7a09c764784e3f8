import type { Case } from '../case.js';
import { chmod } from './chmod.js';
import { chown } from './chown.js';
import { fallocate } from './fallocate.js';
import { link } from './link.js';
import { mkdir } from './mkdir.js';
import { mkfifo } from './mkfifo.js';
import { mknod } from './mknod.js';
import { open } from './open.js';
import { rename } from './rename.js';
import { rmdir } from './rmdir.js';
import { symlink } from './symlink.js';
import { truncate } from './truncate.js';
import { unlink } from './unlink.js';
import { utimensat } from './utimensat.js';

/** Every case, by syscall family. A new family: a file beside these, listed here. */
export const families: Readonly<Record<string, readonly Case[]>> = {
  chmod, chown, fallocate, link, mkdir, mkfifo, mknod, open, rename, rmdir, symlink, truncate, unlink, utimensat,
};
