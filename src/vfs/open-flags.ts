import { constants } from 'node:fs';

/** Linux open(2) flags, as FUSE passes them and the SDK builds them. */
export const O_RDONLY = constants.O_RDONLY;
export const O_WRONLY = constants.O_WRONLY;
export const O_RDWR = constants.O_RDWR;
export const O_ACCMODE = 3;
export const O_CREAT = constants.O_CREAT;
export const O_EXCL = constants.O_EXCL;
export const O_TRUNC = constants.O_TRUNC;
export const O_APPEND = constants.O_APPEND;
export const O_DIRECTORY = constants.O_DIRECTORY;
export const O_NOFOLLOW = constants.O_NOFOLLOW;

/** True when the flags allow reading. */
export const canRead = (flags: number) => (flags & O_ACCMODE) !== O_WRONLY;
/** True when the flags allow writing. */
export const canWrite = (flags: number) => (flags & O_ACCMODE) !== O_RDONLY;
