/** The kernel's lock owner id (a u64) as the string the metadata keeps. */
export const lockOwner = (owner: bigint) => owner.toString(16);
