import { s3Error } from './s3-error.js';

/** An element to write: name, then text or children; undefined children are left out. */
export type XmlNode = [name: string, content: string | number | boolean | Array<XmlNode | undefined>];

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };
export const escapeXml = (text: string) => text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

function write(node: XmlNode, out: string[]): void {
  const [name, content] = node;
  out.push(`<${name}>`);
  if (Array.isArray(content)) for (const child of content) child && write(child, out);
  else out.push(escapeXml(String(content)));
  out.push(`</${name}>`);
}

/** An S3 response document: the root element carries the S3 namespace. */
export function xmlDocument(root: string, children: Array<XmlNode | undefined>): string {
  const out = ['<?xml version="1.0" encoding="UTF-8"?>\n', `<${root} xmlns="http://s3.amazonaws.com/doc/2006-03-01/">`];
  for (const child of children) child && write(child, out);
  out.push(`</${root}>`);
  return out.join('');
}

/** A parsed element: its name, its text (for leaves) and children. */
export interface XmlElement {
  name: string;
  text: string;
  children: XmlElement[];
}

const UNESCAPES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const malformed = (why: string) => s3Error('MalformedXML', { message: `The XML you provided was not well-formed: ${why}` });

function unescape(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#\d+|\w+);|&/g, (all, ref: string | undefined) => {
    if (!ref) throw malformed('a bare &');
    if (ref.startsWith('#x')) return String.fromCodePoint(parseInt(ref.slice(2), 16));
    if (ref.startsWith('#')) return String.fromCodePoint(parseInt(ref.slice(1), 10));
    const c = UNESCAPES[ref];
    if (c === undefined) throw malformed(`unknown entity &${ref};`);
    return c;
  });
}

/**
 * Parses the small request documents S3 takes (Delete, CompleteMultipartUpload): elements,
 * attributes (ignored), text and entities; no DTDs. Anything not well-formed is MalformedXML.
 */
export function parseXml(text: string): XmlElement {
  let at = 0;
  const skipMisc = () => {
    for (;;) {
      const rest = text.slice(at);
      const ws = /^\s*/.exec(rest)![0].length;
      at += ws;
      if (text.startsWith('<?', at)) {
        const end = text.indexOf('?>', at);
        if (end < 0) throw malformed('unterminated declaration');
        at = end + 2;
      } else if (text.startsWith('<!--', at)) {
        const end = text.indexOf('-->', at);
        if (end < 0) throw malformed('unterminated comment');
        at = end + 3;
      } else if (text.startsWith('<!', at)) {
        throw malformed('document type declarations are not accepted');
      } else return;
    }
  };
  const element = (depth: number): XmlElement => {
    if (depth > 16) throw malformed('nested too deeply');
    const open = /^<([A-Za-z_][\w.:-]*)((?:\s+[\w.:-]+\s*=\s*(?:"[^"<]*"|'[^'<]*'))*)\s*(\/?)>/.exec(text.slice(at, at + 4096));
    if (!open) throw malformed(`expected an element at offset ${at}`);
    at += open[0].length;
    const el: XmlElement = { name: open[1]!.replace(/^.*:/, ''), text: '', children: [] };
    if (open[3]) return el;
    let raw = '';
    for (;;) {
      const lt = text.indexOf('<', at);
      if (lt < 0) throw malformed(`<${el.name}> is not closed`);
      raw += text.slice(at, lt);
      at = lt;
      if (text.startsWith('</', at)) {
        const close = /^<\/([A-Za-z_][\w.:-]*)\s*>/.exec(text.slice(at, at + 300));
        if (!close || close[1] !== open[1]) throw malformed(`</${close?.[1] ?? '?'}> does not close <${open[1]}>`);
        at += close[0].length;
        break;
      }
      if (text.startsWith('<!--', at)) {
        const end = text.indexOf('-->', at);
        if (end < 0) throw malformed('unterminated comment');
        at = end + 3;
        continue;
      }
      if (text.startsWith('<![CDATA[', at)) {
        const end = text.indexOf(']]>', at);
        if (end < 0) throw malformed('unterminated CDATA');
        raw += text.slice(at + 9, end).replace(/&/g, '&amp;').replace(/</g, '&lt;');
        at = end + 3;
        continue;
      }
      el.children.push(element(depth + 1));
    }
    el.text = unescape(raw);
    if (el.children.length && el.text.trim()) throw malformed(`<${el.name}> mixes text and elements`);
    return el;
  };
  skipMisc();
  const root = element(0);
  skipMisc();
  if (at !== text.length) throw malformed('content after the root element');
  return root;
}

/** The children of `el` named `name`. */
export const childrenNamed = (el: XmlElement, name: string) => el.children.filter((c) => c.name === name);
/** The text of the first child named `name`, or undefined. */
export const childText = (el: XmlElement, name: string) => el.children.find((c) => c.name === name)?.text;
