import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { childElements, parseXml, serializeChildren, XmlError } from './xml.js';

describe('webdav xml reader', () => {
  it('resolves namespaces: prefixes, default namespace, undeclaring it, attributes unqualified', () => {
    const root = parseXml(`<?xml version="1.0" encoding="utf-8" ?>
      <!-- a comment --><D:propfind xmlns:D="DAV:"><D:prop><x xmlns="urn:a" k='v'/><y xmlns=""/><D:getetag/></D:prop></D:propfind>`);
    assert.deepEqual([root.ns, root.local], ['DAV:', 'propfind']);
    const props = childElements(childElements(root)[0]!);
    assert.deepEqual(props.map((p) => [p.ns, p.local]), [['urn:a', 'x'], ['', 'y'], ['DAV:', 'getetag']]);
    assert.deepEqual(props[0]!.attrs, [{ ns: '', local: 'k', value: 'v' }]);
  });

  it('decodes entities, character references above U+FFFF and CDATA', () => {
    const el = parseXml('<a>&lt;&amp;&#65536;&#x41;<![CDATA[<raw>]]></a>');
    assert.equal(el.children.join(''), '<&\u{10000}A<raw>');
  });

  it('refuses what is not well-formed or breaks namespace rules', () => {
    for (const bad of [
      '<foo>', '<a></b>', '<a/><b/>', '<a x="1" x="2"/>', '<p:a/>', '<a xmlns:p=""/>', '<a>&nope;</a>', '<a>&#0;</a>',
      '<!DOCTYPE a [<!ENTITY e "x">]><a>&e;</a>', '', 'text', '<a>a & b</a>', `${'<a>'.repeat(300)}${'</a>'.repeat(300)}`,
    ]) {
      assert.throws(() => parseXml(bad), XmlError, bad.slice(0, 40));
    }
  });

  it('serializes a property value so it stands alone (each element declares its namespace)', () => {
    const el = parseXml(`<t:v xmlns:t="urn:t"><foo xmlns="http://bar">1 &lt; 2</foo><t:x a="&quot;"/></t:v>`);
    const fragment = serializeChildren(el);
    assert.equal(fragment, '<foo xmlns="http://bar">1 &lt; 2</foo><x xmlns="urn:t" a="&quot;"></x>');
    const again = parseXml(`<w>${fragment}</w>`);
    assert.deepEqual(childElements(again).map((c) => [c.ns, c.local]), [['http://bar', 'foo'], ['urn:t', 'x']]);
  });
});
