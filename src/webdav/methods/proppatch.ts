import { FsError, isFsError } from '../../errors/index.js';
import { DavError, statusOf } from '../dav-error.js';
import { type PropName, xattrNameOf } from '../dead-props.js';
import type { DavRequest } from '../dav-request.js';
import { hrefOf } from '../dav-path.js';
import { LIVE_PROPS } from '../live-props.js';
import { propElement } from '../prop-render.js';
import { send, statusLine, XML_DECL, XML_TYPE } from '../response.js';
import { childElements, escapeXml, isDav, serializeChildren } from '../xml.js';

const MAX_XATTR_NAME = 255;
const MAX_XATTR_VALUE = 65536;

interface Change {
  name: PropName;
  /** The new value (a set), or undefined (a remove). */
  value?: string;
}

/** Why a change cannot be made at all (checked before any is applied): a status, or undefined. */
function refusal(c: Change): number | undefined {
  if (c.name.ns === 'DAV:' && (LIVE_PROPS as readonly string[]).includes(c.name.local)) return 403;
  if (Buffer.byteLength(xattrNameOf(c.name)) > MAX_XATTR_NAME) return 507;
  if (c.value !== undefined && Buffer.byteLength(c.value) > MAX_XATTR_VALUE) return 507;
  return undefined;
}

/**
 * PROPPATCH (RFC 4918 §9.2): sets and removes dead properties in document order, all or none:
 * refusals are found before any change, and a change that fails undoes the earlier ones (the
 * others answer 424 Failed Dependency).
 */
export async function proppatch(r: DavRequest): Promise<void> {
  const body = await r.xml();
  if (!body || !isDav(body, 'propertyupdate')) throw new DavError(400, 'PROPPATCH body must be a DAV:propertyupdate element');
  const changes: Change[] = [];
  for (const op of childElements(body)) {
    if (!isDav(op, 'set') && !isDav(op, 'remove')) continue;
    for (const prop of childElements(op).filter((e) => isDav(e, 'prop'))) {
      for (const el of childElements(prop)) {
        changes.push({ name: { ns: el.ns, local: el.local }, value: isDav(op, 'set') ? serializeChildren(el) : undefined });
      }
    }
  }
  const attr = await r.mustStat();
  await r.checkWrite(r.target.path);
  const statuses: Array<number | undefined> = changes.map(refusal);
  if (!statuses.some((s) => s !== undefined)) {
    const undo: Array<{ name: string; old: Buffer | undefined }> = [];
    const current = (name: string) => r.vfs.getxattr(r.caller, attr.ino, name).catch((err: unknown) => {
      if (isFsError(err, 'ENODATA')) return undefined;
      throw err;
    });
    const restore = async ({ name, old }: { name: string; old: Buffer | undefined }) => {
      if (old) await r.vfs.setxattr(r.caller, attr.ino, name, old);
      else await r.vfs.removexattr(r.caller, attr.ino, name).catch(() => undefined);
    };
    for (const [i, c] of changes.entries()) {
      const name = xattrNameOf(c.name);
      try {
        undo.push({ name, old: await current(name) });
        if (c.value !== undefined) await r.vfs.setxattr(r.caller, attr.ino, name, Buffer.from(c.value));
        else await r.vfs.removexattr(r.caller, attr.ino, name).catch((err: unknown) => {
          if (!isFsError(err, 'ENODATA')) throw err; // removing an absent property succeeds (§9.2)
        });
      } catch (err) {
        // All or nothing (§9.2): put back what the earlier changes replaced, newest first.
        for (const u of undo.reverse()) await restore(u);
        if (i === 0 || !(err instanceof FsError)) throw err;
        statuses[i] = statusOf(err);
        break;
      }
    }
  }
  const failed = statuses.some((s) => s !== undefined);
  const groups = new Map<number, string[]>();
  changes.forEach((c, i) => {
    const status = statuses[i] ?? (failed ? 424 : 200);
    groups.set(status, [...(groups.get(status) ?? []), propElement(c.name)]);
  });
  const propstats = [...groups].map(([status, props]) => `<D:propstat><D:prop>${props.join('')}</D:prop><D:status>${statusLine(status)}</D:status></D:propstat>`);
  const xml = `${XML_DECL}<D:multistatus xmlns:D="DAV:"><D:response><D:href>${escapeXml(hrefOf(r.target.path, attr.type === 'dir'))}</D:href>${propstats.join('')}</D:response></D:multistatus>\n`;
  send(r.res, 207, { body: xml, type: XML_TYPE });
}
