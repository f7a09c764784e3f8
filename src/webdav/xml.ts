/**
 * A small namespace-aware XML reader for WebDAV request bodies (RFC 4918 bodies are small and
 * every name is a {namespace}local pair), and the escaping the responses need. No DTDs and no
 * entities beyond the five predefined ones and character references: a DOCTYPE is refused.
 */

/** An element: its namespace URI ('' for none), local name, attributes and children in order. */
export interface XmlElement {
  ns: string;
  local: string;
  attrs: Array<{ ns: string; local: string; value: string }>;
  children: XmlNode[];
}
export type XmlNode = XmlElement | string;

/** A body that is not well-formed XML or breaks the namespace rules (a 400 for the client). */
export class XmlError extends Error {}

const NAME = /^[A-Za-z_:\u00C0-\uFFFF][-A-Za-z0-9._:\u00B7\u00C0-\uFFFF]*/;
const XML_NS = 'http://www.w3.org/XML/1998/namespace';

function decodeText(raw: string): string {
  return raw.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);|&/g, (m, ref: string | undefined) => {
    if (ref === undefined) throw new XmlError('bare & in text');
    if (ref[0] === '#') {
      const cp = ref[1] === 'x' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      if (!(cp === 0x9 || cp === 0xa || cp === 0xd || (cp >= 0x20 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0x10ffff) && cp !== 0xfffe && cp !== 0xffff)) {
        throw new XmlError(`invalid character reference ${m}`);
      }
      return String.fromCodePoint(cp);
    }
    const named: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
    const value = named[ref];
    if (value === undefined) throw new XmlError(`unknown entity ${m}`);
    return value;
  });
}

/** Parses a document and returns its root element; XmlError when it is not well-formed. */
export function parseXml(text: string): XmlElement {
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const fail = (why: string): never => {
    throw new XmlError(`${why} at offset ${i}`);
  };
  const skipMisc = () => {
    for (;;) {
      const ws = /^[ \t\r\n]*/.exec(text.slice(i))![0];
      i += ws.length;
      if (text.startsWith('<?', i)) {
        const end = text.indexOf('?>', i);
        if (end < 0) fail('unterminated processing instruction');
        i = end + 2;
      } else if (text.startsWith('<!--', i)) {
        const end = text.indexOf('-->', i);
        if (end < 0) fail('unterminated comment');
        i = end + 3;
      } else if (text.startsWith('<!', i)) {
        fail('DOCTYPE and declarations are not accepted');
      } else return;
    }
  };
  const name = (): string => {
    const m = NAME.exec(text.slice(i, i + 1024));
    if (!m) fail('expected a name');
    i += m![0].length;
    return m![0];
  };
  const split = (qname: string): [string, string] => {
    const c = qname.indexOf(':');
    if (c < 0) return ['', qname];
    if (c === 0 || c === qname.length - 1 || qname.indexOf(':', c + 1) >= 0) fail(`bad qualified name ${qname}`);
    return [qname.slice(0, c), qname.slice(c + 1)];
  };

  const element = (scope: Map<string, string>, depth: number): XmlElement => {
    if (depth > 256) fail('elements nested too deeply');
    i++; // '<'
    const qname = name();
    const raw: Array<[string, string]> = [];
    for (;;) {
      const ws = /^[ \t\r\n]*/.exec(text.slice(i, i + 4096))![0];
      i += ws.length;
      if (text.startsWith('/>', i) || text[i] === '>') break;
      if (!ws) fail('expected whitespace before an attribute');
      const an = name();
      i += /^[ \t\r\n]*/.exec(text.slice(i, i + 4096))![0].length;
      if (text[i] !== '=') fail('expected =');
      i++;
      i += /^[ \t\r\n]*/.exec(text.slice(i, i + 4096))![0].length;
      const q = text[i];
      if (q !== '"' && q !== "'") fail('expected a quoted attribute value');
      const end = text.indexOf(q!, i + 1);
      if (end < 0) fail('unterminated attribute value');
      const value = text.slice(i + 1, end);
      if (value.includes('<')) fail('< in an attribute value');
      if (raw.some(([n]) => n === an)) fail(`duplicate attribute ${an}`);
      raw.push([an, decodeText(value).replace(/[\t\r\n]/g, ' ')]);
      i = end + 1;
    }
    const inner = new Map(scope);
    for (const [an, value] of raw) {
      if (an === 'xmlns') inner.set('', value);
      else if (an.startsWith('xmlns:')) {
        const prefix = an.slice(6);
        // Namespaces in XML 1.0: a prefix may not be bound to the empty name (litmus propfind_invalid2).
        if (value === '') fail(`prefix ${prefix} bound to an empty namespace`);
        if (prefix === 'xmlns' || (prefix === 'xml') !== (value === XML_NS)) fail(`reserved prefix ${prefix}`);
        inner.set(prefix, value);
      }
    }
    const resolve = (prefix: string, isAttr: boolean): string => {
      if (prefix === '') return isAttr ? '' : (inner.get('') ?? '');
      if (prefix === 'xml') return XML_NS;
      const uri = inner.get(prefix);
      if (uri === undefined) fail(`unbound prefix ${prefix}`);
      return uri!;
    };
    const [prefix, local] = split(qname);
    const el: XmlElement = { ns: resolve(prefix, false), local, attrs: [], children: [] };
    for (const [an, value] of raw) {
      if (an === 'xmlns' || an.startsWith('xmlns:')) continue;
      const [ap, al] = split(an);
      el.attrs.push({ ns: resolve(ap, true), local: al, value });
    }
    if (text.startsWith('/>', i)) {
      i += 2;
      return el;
    }
    i++; // '>'
    for (;;) {
      const lt = text.indexOf('<', i);
      if (lt < 0) fail(`unclosed element ${qname}`);
      if (lt > i) {
        const chunk = text.slice(i, lt);
        if (chunk.includes(']]>')) fail(']]> in text');
        el.children.push(decodeText(chunk));
      }
      i = lt;
      if (text.startsWith('</', i)) {
        i += 2;
        const closing = name();
        if (closing !== qname) fail(`</${closing}> closes <${qname}>`);
        i += /^[ \t\r\n]*/.exec(text.slice(i, i + 4096))![0].length;
        if (text[i] !== '>') fail('expected >');
        i++;
        return el;
      }
      if (text.startsWith('<!--', i)) {
        const end = text.indexOf('-->', i);
        if (end < 0) fail('unterminated comment');
        i = end + 3;
      } else if (text.startsWith('<![CDATA[', i)) {
        const end = text.indexOf(']]>', i);
        if (end < 0) fail('unterminated CDATA section');
        el.children.push(text.slice(i + 9, end));
        i = end + 3;
      } else if (text.startsWith('<?', i)) {
        const end = text.indexOf('?>', i);
        if (end < 0) fail('unterminated processing instruction');
        i = end + 2;
      } else if (text.startsWith('<!', i)) {
        fail('declaration inside an element');
      } else {
        el.children.push(element(inner, depth + 1));
      }
    }
  };

  skipMisc();
  if (text[i] !== '<') fail('expected the root element');
  const root = element(new Map(), 0);
  skipMisc();
  if (i < text.length) fail('content after the root element');
  return root;
}

/** Child elements only (text and whitespace dropped). */
export function childElements(el: XmlElement): XmlElement[] {
  return el.children.filter((c): c is XmlElement => typeof c !== 'string');
}

/** True when the element is {DAV:}local. */
export function isDav(el: XmlElement, local: string): boolean {
  return el.ns === 'DAV:' && el.local === local;
}

/** Text content of an element and its descendants. */
export function textOf(el: XmlElement): string {
  return el.children.map((c) => (typeof c === 'string' ? c : textOf(c))).join('');
}

/** Escapes text for element content and attribute values. */
export function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);
}

/**
 * The children of an element as a self-contained XML fragment: every element declares its own
 * default namespace, so the fragment means the same wherever it is pasted (dead property values).
 */
export function serializeChildren(el: XmlElement): string {
  return el.children.map((c) => (typeof c === 'string' ? escapeXml(c) : serializeElement(c))).join('');
}

function serializeElement(el: XmlElement): string {
  let attrs = ` xmlns="${escapeXml(el.ns)}"`;
  el.attrs.forEach((a, n) => {
    attrs += a.ns ? ` xmlns:a${n}="${escapeXml(a.ns)}" a${n}:${a.local}="${escapeXml(a.value)}"` : ` ${a.local}="${escapeXml(a.value)}"`;
  });
  return `<${el.local}${attrs}>${serializeChildren(el)}</${el.local}>`;
}
