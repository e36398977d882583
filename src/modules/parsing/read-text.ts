import { isUtf8 } from 'node:buffer';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';

/**
 * Reads a file as text in chunks, choosing the encoding from its first 64 KiB: a UTF-8 or UTF-16 byte
 * order mark, an XML declaration's `encoding`, else UTF-8 when those bytes are valid UTF-8, else
 * Windows-1252 (what older bank systems and Excel write; a superset of Latin-1's printable range).
 */
export async function sniffEncoding(path: string): Promise<{ encoding: string; head: Buffer }> {
  const handle = await open(path, 'r');
  try {
    const head = Buffer.alloc(65536);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    const bytes = head.subarray(0, bytesRead);
    return { encoding: encodingOf(bytes, bytesRead < head.length), head: bytes };
  } finally {
    await handle.close();
  }
}

export function encodingOf(bytes: Buffer, whole: boolean): string {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return 'utf-8';
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return 'utf-16le';
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return 'utf-16be';
  const declared = /^<\?xml[^>]*encoding\s*=\s*["']([\w.-]+)["']/i.exec(
    bytes.subarray(0, 200).toString('latin1'),
  );
  if (declared?.[1]) {
    const name = declared[1].toLowerCase();
    if (name === 'utf-8' || name === 'utf8') return 'utf-8';
    if (/^(iso-8859-1|latin1|iso8859-1|windows-1252|cp1252)$/.test(name)) return 'windows-1252';
    if (/^iso-8859-15$/.test(name)) return 'iso-8859-15';
  }
  // A multi-byte character may be cut at the end of the sample: drop up to 3 trailing bytes.
  let end = bytes.length;
  if (!whole) {
    for (let k = 0; k < 3 && end > 0 && ((bytes[end - 1] ?? 0) & 0xc0) === 0x80; k++) end--;
    if (end > 0 && (bytes[end - 1] ?? 0) >= 0xc0) end--;
  }
  return isUtf8(bytes.subarray(0, end)) ? 'utf-8' : 'windows-1252';
}

/** The file's text in chunks of about 64 KiB, decoded with `encoding`, a byte-order mark removed. */
export async function* readTextChunks(path: string, encoding: string): AsyncGenerator<string> {
  const decoder = new TextDecoder(encoding);
  for await (const chunk of createReadStream(path, { highWaterMark: 65536 })) {
    const text = decoder.decode(chunk as Buffer, { stream: true });
    if (text !== '') yield text;
  }
  const rest = decoder.decode();
  if (rest !== '') yield rest;
}
