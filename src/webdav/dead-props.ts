import { isFsError } from '../errors/index.js';
import type { Caller, Ino } from '../meta/types.js';
import type { Vfs } from '../vfs/vfs.js';

/**
 * Dead properties (RFC 4918 §4) are extended attributes of the inode: the name
 * `user.dav.{namespace}local` and the value the property's content as a self-contained XML
 * fragment. They follow the inode through MOVE, and a COPY (a clone) copies them.
 */
const PREFIX = 'user.dav.';

/** A property name: namespace URI ('' for none) and local name. */
export interface PropName {
  ns: string;
  local: string;
}

export function xattrNameOf(p: PropName): string {
  return `${PREFIX}{${p.ns}}${p.local}`;
}

function propNameOf(xattr: string): PropName | undefined {
  if (!xattr.startsWith(PREFIX)) return undefined;
  const m = /^\{([^}]*)\}(.+)$/.exec(xattr.slice(PREFIX.length));
  return m ? { ns: m[1]!, local: m[2]! } : undefined;
}

/** The dead property names of an inode (none when the caller may not read them or the type has none). */
export async function deadPropNames(vfs: Vfs, caller: Caller, ino: Ino): Promise<PropName[]> {
  try {
    return (await vfs.listxattr(caller, ino)).map(propNameOf).filter((p): p is PropName => p !== undefined);
  } catch (err) {
    if (isFsError(err, 'EACCES') || isFsError(err, 'EPERM') || isFsError(err, 'ENOTSUP')) return [];
    throw err;
  }
}

/** A dead property's value, or undefined when it is not set. */
export async function deadPropValue(vfs: Vfs, caller: Caller, spec: { ino: Ino; name: PropName }): Promise<string | undefined> {
  try {
    return (await vfs.getxattr(caller, spec.ino, xattrNameOf(spec.name))).toString('utf8');
  } catch (err) {
    if (isFsError(err, 'ENODATA') || isFsError(err, 'EACCES') || isFsError(err, 'EPERM') || isFsError(err, 'ENOTSUP')) return undefined;
    throw err;
  }
}
