import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LineSplitter } from './lines.ts';

function split(chunks: string[]): [string, number][] {
  const out: [string, number][] = [];
  const s = new LineSplitter((text, line) => out.push([text, line]));
  for (const c of chunks) s.push(c);
  s.end();
  return out;
}

describe('LineSplitter', () => {
  it('accepts LF, CRLF and a lone CR, numbering lines from 1', () => {
    expect(split(['a\nb\r\nc\rd'])).toEqual([
      ['a', 1],
      ['b', 2],
      ['c', 3],
      ['d', 4],
    ]);
    expect(split(['a\r', '\nb\r', '', '\n'])).toEqual([
      ['a', 1],
      ['b', 2],
    ]);
    expect(split(['\n\n'])).toEqual([
      ['', 1],
      ['', 2],
    ]);
  });

  it('gives the same lines for any chunking', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('a', 'b', '\r', '\n', '\r\n', 'xyz')).map((a) => a.join('')),
        fc.array(fc.integer({ min: 1, max: 5 }), { maxLength: 20 }),
        (text, cuts) => {
          const chunks: string[] = [];
          let i = 0;
          for (const c of cuts) {
            chunks.push(text.slice(i, i + c));
            i += c;
          }
          chunks.push(text.slice(i));
          expect(split(chunks)).toEqual(split([text]));
        },
      ),
    );
  });

  it('calls onTooLong as soon as a line outgrows the limit, with its line number, holding no more', () => {
    const lines: string[] = [];
    const s = new LineSplitter((t) => lines.push(t), {
      maxLength: 10,
      onTooLong: (line) => {
        throw new Error(`line ${line} too long`);
      },
    });
    s.push('short\nabcdef');
    expect(() => s.push('ghijk')).toThrow('line 2 too long');
    expect(lines).toEqual(['short']);
    const ok = new LineSplitter((t) => lines.push(t), {
      maxLength: 10,
      onTooLong: () => {
        throw new Error('no');
      },
    });
    ok.push('0123456789\n');
    expect(lines.at(-1)).toBe('0123456789');
  });
});
