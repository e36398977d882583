import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_DEPTH, XmlReader, XmlSyntaxError } from './xml-reader.ts';

type Event = ['start', string, string[], number] | ['end', string, string, number];

/** Reads `text` pushed in chunks of `chunkSize` and returns the events. */
function events(text: string, chunkSize = Number.POSITIVE_INFINITY): Event[] {
  const out: Event[] = [];
  const reader = new XmlReader({
    startElement(name, attributes, line) {
      out.push(['start', name, [...attributes], line]);
    },
    endElement(name, text, line) {
      out.push(['end', name, text, line]);
    },
  });
  if (chunkSize >= text.length) reader.push(text);
  else for (let i = 0; i < text.length; i += chunkSize) reader.push(text.slice(i, i + chunkSize));
  reader.end();
  return out;
}

function syntaxError(text: string, chunkSize?: number): XmlSyntaxError {
  try {
    events(text, chunkSize);
  } catch (e) {
    if (e instanceof XmlSyntaxError) return e;
    throw e;
  }
  throw new Error('expected an XmlSyntaxError');
}

const SAMPLE = [
  '\uFEFF<?xml version="1.0" encoding="UTF-8"?>',
  '<!DOCTYPE r [ <!ELEMENT r ANY> <!ATTLIST r a CDATA "x>y"> ]>',
  '<!-- a comment with <tags> & ampersands -->',
  '<p:r xmlns:p="urn:x" xmlns="urn:y">',
  '  <a Ccy="EUR" b=\'1 &amp; 2\'>12.50</a>',
  '  <p:b>x &lt; y &gt; z &amp; &quot;q&quot; &apos;s&apos; &#233;&#x20AC;&#x1F600;</p:b>',
  '  <c><![CDATA[<not> &markup;]]> and text</c>',
  '  <d/>',
  '  <e  att = "v"  />',
  '  <?pi inside?>',
  '  <f>line1\r\nline2\rline3</f>',
  '  <g>',
  '    <h>mixed</h> dropped text',
  '  </g >',
  '</p:r>',
  '',
].join('\n');

describe('the streaming XML reader', () => {
  it('reports elements by local name, attributes, leaf text with entities, CDATA and line numbers', () => {
    expect(events(SAMPLE)).toEqual([
      ['start', 'r', ['xmlns:p', 'urn:x', 'xmlns', 'urn:y'], 4],
      ['start', 'a', ['Ccy', 'EUR', 'b', '1 & 2'], 5],
      ['end', 'a', '12.50', 5],
      ['start', 'b', [], 6],
      ['end', 'b', 'x < y > z & "q" \'s\' é€😀', 6],
      ['start', 'c', [], 7],
      ['end', 'c', '<not> &markup; and text', 7],
      ['start', 'd', [], 8],
      ['end', 'd', '', 8],
      ['start', 'e', ['att', 'v'], 9],
      ['end', 'e', '', 9],
      // The text holds a CRLF (a line) and a lone CR (normalized in the text, not counted as a line).
      ['start', 'f', [], 11],
      ['end', 'f', 'line1\nline2\nline3', 12],
      ['start', 'g', [], 13],
      ['start', 'h', [], 14],
      ['end', 'h', 'mixed', 14],
      ['end', 'g', '', 15],
      ['end', 'r', '', 16],
    ]);
  });

  it('gives the same events whatever the chunking', () => {
    const whole = events(SAMPLE);
    for (const size of [1, 2, 3, 7, 13, 4096]) expect(events(SAMPLE, size)).toEqual(whole);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: SAMPLE.length }), { maxLength: 12 }), (cuts) => {
        const points = [...new Set(cuts)].sort((a, b) => a - b);
        const out: Event[] = [];
        const reader = new XmlReader({
          startElement: (n, a, l) => out.push(['start', n, [...a], l]),
          endElement: (n, t, l) => out.push(['end', n, t, l]),
        });
        let from = 0;
        for (const p of points) {
          reader.push(SAMPLE.slice(from, p));
          from = p;
        }
        reader.push(SAMPLE.slice(from));
        reader.end();
        expect(out).toEqual(whole);
      }),
      { numRuns: 300 },
    );
  });

  it('normalizes white space in attribute values and counts the lines inside a tag', () => {
    expect(events('<r\n  a="x\ty\nz"\n  b="2"><s/></r>')).toEqual([
      ['start', 'r', ['a', 'x y z', 'b', '2'], 1],
      ['start', 's', [], 4],
      ['end', 's', '', 4],
      ['end', 'r', '', 4],
    ]);
  });

  it.each([
    ['a mismatched end tag', '<a>\n<b></a>', 2, 'end tag </a> does not match <b> opened at line 2'],
    ['an end tag without a start', '<a></a></b>', 1, 'end tag </b> without a start tag'],
    ['an unclosed element', '<a>\n<b>text', 2, 'unexpected end of file inside <b> (opened at line 2)'],
    [
      'text before the root',
      '01,122099999,123456789,150623,2359\n',
      1,
      'not XML: text "01,122099999,123456789,1…" outside the root element',
    ],
    ['text after the root', '<a/>\nx', 2, 'not XML: text "x" outside the root element'],
    ['a second root', '<a/><b/>', 1, 'a second root element <b> after the first one ended'],
    ['an unknown entity', '<a>&nbsp;</a>', 1, 'unknown entity &nbsp;'],
    [
      'a bare ampersand',
      '<a>fish\n& chips</a>',
      2,
      '"&" not followed by an entity reference (an ampersand is written &amp;)',
    ],
    [
      'an ampersand before a later reference',
      '<a>fish & chips &amp; peas</a>',
      1,
      '"&" not followed by an entity reference (an ampersand is written &amp;)',
    ],
    ['an invalid character reference', '<a>&#0;</a>', 1, 'invalid character reference &#0;'],
    ['a surrogate character reference', '<a>&#xD800;</a>', 1, 'invalid character reference &#xD800;'],
    ['an attribute without quotes', '<a b=1/>', 1, 'attribute b of <a>: value not in quotes'],
    ['an attribute without a value', '<a b/>', 1, 'attribute b of <a> has no value'],
    ['"<" in an attribute', '<a b="<"/>', 1, 'attribute b of <a>: "<" in its value'],
    ['attributes without space', '<a b="1"c="2"/>', 1, 'attributes of <a> not separated by white space'],
    ['a bad attribute name', '<a -b="1"/>', 1, 'malformed attribute in <a>: a name cannot start with "-"'],
    ['a malformed tag', '<a>< b/></a>', 1, 'malformed tag: "<" followed by " "'],
    ['a bad self-closing tag', '<a/ >', 1, 'malformed tag <a>: "/" not followed by ">"'],
    ['an empty document', '  \n', 2, 'no root element: the document is empty'],
    ['a truncated tag', '<a><b c="1', 1, 'unexpected end of file in "<b c="1"'],
    ['a truncated comment', '<a><!-- never closed', 1, 'unexpected end of file in "<!-- never closed"'],
    ['unknown markup', '<a><!ELEMENT x></a>', 1, 'malformed markup "<!ELEMENT"'],
    ['CDATA outside the root', '<![CDATA[x]]><a/>', 1, 'a CDATA section outside the root element'],
    ['a DOCTYPE after the root', '<a/><!DOCTYPE a>', 1, 'a document type declaration after the root element'],
  ])('rejects %s with its line', (_what, text, line, message) => {
    for (const size of [1, 5, 1000]) {
      const e = syntaxError(text, size);
      expect({ line: e.line, message: e.message }).toEqual({ line, message });
    }
  });

  it('refuses nesting deeper than its limit, so that its path stays bounded', () => {
    const e = syntaxError('<a>'.repeat(MAX_DEPTH + 1));
    expect(e.message).toBe(`elements nested deeper than ${MAX_DEPTH} levels`);
    expect(() => events(`${'<a>'.repeat(MAX_DEPTH)}${'</a>'.repeat(MAX_DEPTH)}`)).not.toThrow();
  });

  it('refuses a piece of markup that never ends instead of holding the whole file', () => {
    const reader = new XmlReader({ startElement() {}, endElement() {} });
    reader.push('<a><!-- ');
    const filler = 'x'.repeat(1 << 20);
    expect(() => {
      for (let i = 0; i < 5; i++) reader.push(filler);
    }).toThrow(/markup longer than/);
  });
});
