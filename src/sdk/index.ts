export { Volume, type OpenOptions, type TimeLike } from './volume.js';
export type { FormatOptions } from './format-volume.js';
export { VolumeFileHandle } from './file-handle.js';
export { VolumeStats, VolumeDirent } from './stats.js';
export { FsError, CodedError, type Errno } from '../errors/index.js';
export type { VolumeSettings } from '../meta/types.js';
export { volumeStatus, type VolumeStatus } from './status.js';
export { parseSize, parseDuration, formatBytes } from './sizes.js';
export type { CloneOptions } from '../meta/clone/clone-spec.js';
