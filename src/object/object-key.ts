import { FsError } from '../errors/index.js';

/** Rejects keys that could escape a store's root or name nothing. */
export function checkObjectKey(key: string, syscall: string): void {
  const bad =
    key.length === 0 ||
    key.length > 1024 ||
    key.startsWith('/') ||
    key.includes('\0') ||
    key.includes('\\') ||
    key.split('/').some((part) => part === '' || part === '.' || part === '..');
  if (bad) throw new FsError('EINVAL', { syscall, path: key, detail: 'invalid object key' });
}
