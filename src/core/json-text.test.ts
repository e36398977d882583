import { describe, expect, it } from 'vitest';
import { stringifyJson } from './json-text.ts';

describe('stringifyJson', () => {
  it('writes bigints as decimal text, wherever they are, and plain values as JSON.stringify does', () => {
    const plain = { a: 1, b: 'x', c: [null, true], d: { e: 1.5 } };
    expect(stringifyJson(plain)).toBe(JSON.stringify(plain));
    expect(stringifyJson({ a: [1, { b: 12345678901234567890n }], c: -5n })).toBe(
      '{"a":[1,{"b":"12345678901234567890"}],"c":"-5"}',
    );
    expect(stringifyJson(7n)).toBe('"7"');
    expect(stringifyJson({ a: 1n, b: [2] }, 2)).toBe('{\n  "a": "1",\n  "b": [\n    2\n  ]\n}');
  });

  it('still refuses a cycle', () => {
    const o: Record<string, unknown> = { n: 1n };
    o.self = o;
    expect(() => stringifyJson(o)).toThrow(TypeError);
  });
});
