import type { Attr } from '../../meta/types.js';
import { DavError } from '../dav-error.js';
import type { DavRequest } from '../dav-request.js';
import { isUploadName } from '../dav-path.js';
import { propResponse, type PropQuery } from '../prop-render.js';
import { writeChunk, XML_DECL, XML_TYPE } from '../response.js';
import { childElements, isDav, type XmlElement } from '../xml.js';

function queryOf(body: XmlElement | undefined): PropQuery {
  if (!body) return { kind: 'allprop', include: [] };
  if (!isDav(body, 'propfind')) throw new DavError(400, 'PROPFIND body must be a DAV:propfind element');
  const parts = childElements(body);
  const prop = parts.find((e) => isDav(e, 'prop'));
  if (prop) return { kind: 'prop', names: childElements(prop).map((e) => ({ ns: e.ns, local: e.local })) };
  if (parts.some((e) => isDav(e, 'propname'))) return { kind: 'propname' };
  if (parts.some((e) => isDav(e, 'allprop'))) return { kind: 'allprop', include: [] };
  throw new DavError(400, 'PROPFIND body names neither prop, propname nor allprop');
}

const joinPath = (dir: string, name: string) => (dir === '/' ? `/${name}` : `${dir}/${name}`);

/** The entries of a directory, a page at a time (uploads in progress left out). */
async function* children(r: DavRequest, dir: { path: string; attr: Attr }): AsyncGenerator<{ path: string; attr: Attr }> {
  let after: Buffer | undefined;
  do {
    const page = await r.vfs.readdir(r.caller, dir.attr.ino, { after });
    for (const e of page.entries) {
      const path = joinPath(dir.path, e.name.toString());
      if (isUploadName(path)) continue;
      const attr = e.type === 'symlink' ? await r.stat(path).catch(() => undefined) : (e.attr ?? (await r.vfs.getattr(e.ino).catch(() => undefined)));
      if (attr) yield { path, attr };
    }
    after = page.next;
  } while (after);
}

/** PROPFIND (RFC 4918 §9.1): properties of the resource and, with Depth 1 or infinity, of its members, streamed. */
export async function propfind(r: DavRequest): Promise<void> {
  const depth = r.depth('infinity');
  const query = queryOf(await r.xml());
  const attr = await r.mustStat();
  if (attr.type === 'dir' && depth !== '0') await r.vfs.readdir(r.caller, attr.ino); // 403 before the 207 when the listing is not allowed
  r.res.statusCode = 207;
  r.res.setHeader('Content-Type', XML_TYPE);
  await writeChunk(r.res, `${XML_DECL}<D:multistatus xmlns:D="DAV:">\n`);
  const visit = async (node: { path: string; attr: Attr }, level: number): Promise<void> => {
    await writeChunk(r.res, await propResponse(r, { ...node, query }));
    if (node.attr.type !== 'dir' || depth === '0' || (depth === '1' && level >= 1)) return;
    let entries: AsyncGenerator<{ path: string; attr: Attr }>;
    try {
      entries = children(r, node);
      for await (const child of entries) await visit(child, level + 1);
    } catch (err) {
      if (err instanceof DavError) throw err;
      // A member that cannot be listed (no read permission) is left out rather than ending the whole answer.
      if (level === 0) throw err;
    }
  };
  await visit({ path: r.target.path, attr }, 0);
  r.res.end('</D:multistatus>\n');
}
