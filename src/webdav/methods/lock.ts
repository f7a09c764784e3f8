import { O_CREAT, O_EXCL, O_WRONLY } from '../../vfs/open-flags.js';
import { DavError } from '../dav-error.js';
import type { DavRequest } from '../dav-request.js';
import { hrefOf } from '../dav-path.js';
import { activeLockXml } from '../live-props.js';
import { type DavLock, parseTimeout } from '../locks.js';
import { send, XML_DECL, XML_TYPE } from '../response.js';
import { childElements, isDav, serializeChildren } from '../xml.js';

function lockBody(lock: DavLock): string {
  return `${XML_DECL}<D:prop xmlns:D="DAV:"><D:lockdiscovery>${activeLockXml(lock, hrefOf(lock.path, lock.collection))}</D:lockdiscovery></D:prop>\n`;
}

/**
 * LOCK (RFC 4918 §9.10): a new exclusive or shared write lock (Depth 0 or infinity) or, with
 * no body, a refresh of the lock whose token the If header submits. Locking an unmapped URL
 * creates an empty file (201).
 */
export async function lock(r: DavRequest): Promise<void> {
  const { locks } = r.shared;
  const path = r.target.path;
  const timeoutSec = parseTimeout(r.header('timeout'));
  const body = await r.xml();
  if (!body) {
    const tokens = r.tokens();
    const held = locks.covering(path).find((l) => tokens.has(l.token));
    if (!held) throw new DavError(412, 'a lock refresh needs the token of a lock on the resource in the If header', 'lock-token-matches-request-uri');
    if (held.principal !== r.shared.principal) throw new DavError(403, 'the lock belongs to another user');
    locks.refresh(held, timeoutSec);
    return send(r.res, 200, { body: lockBody(held), type: XML_TYPE, headers: { 'Lock-Token': `<${held.token}>` } });
  }
  if (!isDav(body, 'lockinfo')) throw new DavError(400, 'LOCK body must be a DAV:lockinfo element');
  const parts = childElements(body);
  const scopeEl = parts.find((e) => isDav(e, 'lockscope'));
  const scope = scopeEl && childElements(scopeEl)[0];
  const typeEl = parts.find((e) => isDav(e, 'locktype'));
  if (!scope || (!isDav(scope, 'exclusive') && !isDav(scope, 'shared'))) throw new DavError(400, 'lockinfo needs lockscope exclusive or shared');
  if (!typeEl || !childElements(typeEl).some((e) => isDav(e, 'write'))) throw new DavError(400, 'only write locks exist');
  const owner = parts.find((e) => isDav(e, 'owner'));
  const depth = r.depth('infinity');
  if (depth === '1') throw new DavError(400, 'LOCK with Depth 1');
  await r.checkIf();
  const spec = { path, scope: scope.local as DavLock['scope'], depth: depth as DavLock['depth'] };
  if (locks.conflicts(spec).length) throw new DavError(423, `${path} is locked`, 'no-conflicting-lock');
  let created = false;
  const existing = await r.stat(path);
  if (!existing) {
    const { parent, name } = await r.parentOf(path);
    r.checkLocks(path, { member: true });
    const { handle } = await r.vfs.create(r.caller, { parent: parent.ino, name }, { mode: 0o666, flags: O_WRONLY | O_CREAT | O_EXCL });
    await r.vfs.release(handle.fh);
    created = true;
  }
  if (locks.conflicts(spec).length) throw new DavError(423, `${path} is locked`, 'no-conflicting-lock'); // taken while the file was made
  const granted = locks.add({ ...spec, collection: existing?.type === 'dir', owner: owner ? serializeChildren(owner) : '', timeoutSec, principal: r.shared.principal });
  send(r.res, created ? 201 : 200, { body: lockBody(granted), type: XML_TYPE, headers: { 'Lock-Token': `<${granted.token}>` } });
}

/** UNLOCK (RFC 4918 §9.11): removes the lock named by Lock-Token, which must cover the request URI. */
export async function unlock(r: DavRequest): Promise<void> {
  const m = /^\s*<([^>]+)>\s*$/.exec(r.header('lock-token') ?? '');
  if (!m) throw new DavError(400, 'UNLOCK needs a Lock-Token header <token>');
  const held = r.shared.locks.covering(r.target.path).find((l) => l.token === m[1]);
  if (!held) throw new DavError(409, 'no such lock on this resource', 'lock-token-matches-request-uri');
  if (held.principal !== r.shared.principal) throw new DavError(403, 'the lock belongs to another user');
  r.shared.locks.remove(held.token);
  send(r.res, 204);
}
