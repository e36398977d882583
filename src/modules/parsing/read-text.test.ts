import { describe, expect, it } from 'vitest';
import { encodingOf } from './read-text.ts';

describe('encodingOf', () => {
  it('follows a byte-order mark, an XML declaration, then UTF-8 validity', () => {
    expect(encodingOf(Buffer.from('\ufeffabc'), true)).toBe('utf-8');
    expect(encodingOf(Buffer.from([0xff, 0xfe, 0x41, 0]), true)).toBe('utf-16le');
    expect(
      encodingOf(Buffer.from('<?xml version="1.0" encoding="ISO-8859-1"?><a>é</a>', 'latin1'), true),
    ).toBe('windows-1252');
    expect(encodingOf(Buffer.from('Müller GmbH', 'utf8'), true)).toBe('utf-8');
    expect(encodingOf(Buffer.from('Müller GmbH', 'latin1'), true)).toBe('windows-1252');
  });

  it('does not mistake a UTF-8 character cut at the end of the sample for invalid bytes', () => {
    const bytes = Buffer.from('abc€', 'utf8');
    expect(encodingOf(bytes.subarray(0, bytes.length - 1), false)).toBe('utf-8');
    expect(encodingOf(bytes.subarray(0, bytes.length - 1), true)).toBe('windows-1252');
  });
});
