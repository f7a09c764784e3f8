import type { Attr } from '../meta/types.js';
import { deadPropNames, deadPropValue, type PropName } from './dead-props.js';
import type { DavRequest } from './dav-request.js';
import { hrefOf } from './dav-path.js';
import { LIVE_PROPS, type LiveProp, liveValue } from './live-props.js';
import { statusLine } from './response.js';
import { escapeXml } from './xml.js';

/** What a PROPFIND asks for (RFC 4918 §9.1). */
export type PropQuery = { kind: 'allprop'; include: PropName[] } | { kind: 'propname' } | { kind: 'prop'; names: PropName[] };

/** A property element with its value (or empty), namespaced so it stands alone. */
export function propElement(name: PropName, value = ''): string {
  const local = name.local;
  if (name.ns === 'DAV:') return value ? `<D:${local}>${value}</D:${local}>` : `<D:${local}/>`;
  const open = name.ns === '' ? `${local} xmlns=""` : `P:${local} xmlns:P="${escapeXml(name.ns)}"`;
  const close = name.ns === '' ? local : `P:${local}`;
  return value ? `<${open}>${value}</${close}>` : `<${open}/>`;
}

const isLive = (n: PropName): n is PropName & { local: LiveProp } => n.ns === 'DAV:' && (LIVE_PROPS as readonly string[]).includes(n.local);

/** One <D:response> for a resource: its properties grouped by status. */
export async function propResponse(r: DavRequest, spec: { path: string; attr: Attr; query: PropQuery }): Promise<string> {
  const { path, attr, query } = spec;
  const locks = r.shared.locks.covering(path).map((lock) => ({ lock, href: hrefOf(lock.path, lock.collection) }));
  const res = { path, attr, locks };
  const found: string[] = [];
  const missing: string[] = [];
  if (query.kind === 'prop') {
    for (const name of query.names) {
      const value = isLive(name) ? liveValue(name.local, res) : await deadPropValue(r.vfs, r.caller, { ino: attr.ino, name });
      (value === undefined ? missing : found).push(propElement(name, value ?? ''));
    }
  } else {
    for (const local of LIVE_PROPS) {
      const value = liveValue(local, res);
      if (value !== undefined) found.push(propElement({ ns: 'DAV:', local }, query.kind === 'propname' ? '' : value));
    }
    for (const name of await deadPropNames(r.vfs, r.caller, attr.ino)) {
      if (query.kind === 'propname') found.push(propElement(name));
      else {
        const value = await deadPropValue(r.vfs, r.caller, { ino: attr.ino, name });
        if (value !== undefined) found.push(propElement(name, value));
      }
    }
  }
  const propstat = (props: string[], status: number) =>
    props.length ? `<D:propstat><D:prop>${props.join('')}</D:prop><D:status>${statusLine(status)}</D:status></D:propstat>` : '';
  return `<D:response><D:href>${escapeXml(hrefOf(path, attr.type === 'dir'))}</D:href>${propstat(found, 200)}${propstat(missing, 404)}</D:response>\n`;
}
