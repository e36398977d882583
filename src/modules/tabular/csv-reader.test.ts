import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type CsvOptions, type CsvRecord, parseCsv } from './csv-reader.ts';
import { toCsvLine } from './write-csv.ts';

const encoder = new TextEncoder();

async function* fromChunks<T>(chunks: readonly T[]): AsyncGenerator<T> {
  for (const chunk of chunks) yield chunk;
}

/** Cuts `bytes` into chunks of `size` bytes. */
function byteChunks(bytes: Uint8Array, size: number): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
  return chunks;
}

async function collect(
  source: AsyncIterable<string | Uint8Array>,
  options?: CsvOptions,
): Promise<CsvRecord[]> {
  const records: CsvRecord[] = [];
  for await (const record of parseCsv(source, options)) records.push(record);
  return records;
}

/** Parses `text` whole, as one string. */
function parse(text: string, options?: CsvOptions): Promise<CsvRecord[]> {
  return collect(fromChunks([text]), options);
}

/** Parses the UTF-8 bytes of `text` cut into chunks of `size` bytes. */
function parseBytes(text: string | Uint8Array, size: number): Promise<CsvRecord[]> {
  const bytes = typeof text === 'string' ? encoder.encode(text) : text;
  return collect(fromChunks(byteChunks(bytes, size)));
}

describe('parseCsv', () => {
  it('parses records with their line numbers', async () => {
    expect(await parse('a,b,c\n1,2,3\n')).toEqual([
      { line: 1, fields: ['a', 'b', 'c'] },
      { line: 2, fields: ['1', '2', '3'] },
    ]);
  });

  it('splits on another delimiter when asked, and refuses a delimiter that cannot work', async () => {
    expect(await parse('a;"b;c";d\n;x,y;\n', { delimiter: ';' })).toEqual([
      { line: 1, fields: ['a', 'b;c', 'd'] },
      { line: 2, fields: ['', 'x,y', ''] },
    ]);
    expect(await parse('a\tb\n', { delimiter: '\t' })).toEqual([{ line: 1, fields: ['a', 'b'] }]);
    await expect(parse('a', { delimiter: '"' })).rejects.toThrow(/delimiter/);
    await expect(parse('a', { delimiter: ';;' })).rejects.toThrow(/delimiter/);
  });

  it('reads the last record without a line break and keeps empty fields', async () => {
    expect(await parse('a,,c\n,\nx,y,')).toEqual([
      { line: 1, fields: ['a', '', 'c'] },
      { line: 2, fields: ['', ''] },
      { line: 3, fields: ['x', 'y', ''] },
    ]);
  });

  it('keeps spaces: a line of spaces is a record, trimming is the caller’s business', async () => {
    expect(await parse(' a , b \n   \n')).toEqual([
      { line: 1, fields: [' a ', ' b '] },
      { line: 2, fields: ['   '] },
    ]);
  });

  it('drops a leading byte-order mark, from bytes and from strings', async () => {
    const bom = new Uint8Array([0xef, 0xbb, 0xbf, ...encoder.encode('name,amount\nAcme,1.00\n')]);
    const expected = [
      { line: 1, fields: ['name', 'amount'] },
      { line: 2, fields: ['Acme', '1.00'] },
    ];
    expect(await parseBytes(bom, 1 << 16)).toEqual(expected);
    expect(await parseBytes(bom, 1)).toEqual(expected);
    expect(await parseBytes(bom, 2)).toEqual(expected);
    expect(await parse('\uFEFFname,amount\nAcme,1.00\n')).toEqual(expected);
    // Only a leading one: a BOM inside the data is data.
    expect(await parse('a\n\uFEFFb\n')).toEqual([
      { line: 1, fields: ['a'] },
      { line: 2, fields: ['\uFEFFb'] },
    ]);
  });

  it('accepts CRLF, LF and lone CR line ends', async () => {
    const expected = [
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['1', '2'] },
      { line: 3, fields: ['3', '4'] },
    ];
    expect(await parse('a,b\r\n1,2\r\n3,4\r\n')).toEqual(expected);
    expect(await parse('a,b\n1,2\r\n3,4')).toEqual(expected);
    expect(await parse('a,b\r1,2\r3,4\r')).toEqual(expected);
  });

  it('skips blank lines but counts them', async () => {
    expect(await parse('\n\na\n\r\n\nb\r\n\r\n')).toEqual([
      { line: 3, fields: ['a'] },
      { line: 6, fields: ['b'] },
    ]);
  });

  it('unquotes quoted fields with doubled quotes, commas and line breaks', async () => {
    expect(await parse('"say ""hi""","a,b","",""""\n')).toEqual([
      { line: 1, fields: ['say "hi"', 'a,b', '', '"'] },
    ]);
  });

  it('numbers a record by the physical line it starts on, after quoted line breaks', async () => {
    const text = 'id,note\n1,"two\nlines\nhere"\n2,"crlf\r\ninside"\r\n3,x\n';
    expect(await parse(text)).toEqual([
      { line: 1, fields: ['id', 'note'] },
      { line: 2, fields: ['1', 'two\nlines\nhere'] },
      { line: 5, fields: ['2', 'crlf\r\ninside'] },
      { line: 7, fields: ['3', 'x'] },
    ]);
  });

  it('gives the same records whatever the chunk boundaries', async () => {
    // Quotes, doubled quotes, CRLF, quoted CRLF, blank lines and 2-, 3- and 4-byte characters,
    // so that some cut falls inside each of them.
    const text =
      '\uFEFFname,amount,note\r\n"Café ""Zoë""",1234.56,"line one\r\nline two"\r\n\r\n' +
      'Ünïcødé €,−5,𝄞 clef\n"quoted, comma",,"x"\r\n日本語,"",end';
    const expected: CsvRecord[] = [
      { line: 1, fields: ['name', 'amount', 'note'] },
      { line: 2, fields: ['Café "Zoë"', '1234.56', 'line one\r\nline two'] },
      { line: 5, fields: ['Ünïcødé €', '−5', '𝄞 clef'] },
      { line: 6, fields: ['quoted, comma', '', 'x'] },
      { line: 7, fields: ['日本語', '', 'end'] },
    ];
    expect(await parse(text)).toEqual(expected);
    for (const size of [1, 2, 3, 4, 5, 7, 11, 64]) {
      expect(await parseBytes(text, size), `byte chunks of ${size}`).toEqual(expected);
    }
    // String chunks may even split a surrogate pair.
    const stringChunks = text.match(/[\s\S]{1,3}/g) ?? [];
    expect(await collect(fromChunks(stringChunks))).toEqual(expected);
  });

  it('does not count a CRLF split between chunks as two line breaks', async () => {
    expect(await collect(fromChunks(['a\r', '\nb\r', '\n\r', '\nc']))).toEqual([
      { line: 1, fields: ['a'] },
      { line: 2, fields: ['b'] },
      { line: 4, fields: ['c'] },
    ]);
    expect(await collect(fromChunks(['"x\r', '\ny"\r', '\nz']))).toEqual([
      { line: 1, fields: ['x\r\ny'] },
      { line: 3, fields: ['z'] },
    ]);
  });

  it('reports a quote inside an unquoted field and resumes at the next line', async () => {
    const records = await parse('a,b\n1,5" pipe,3\n2,ok,4\n');
    expect(records[0]).toEqual({ line: 1, fields: ['a', 'b'] });
    expect(records[1]).toMatchObject({
      line: 2,
      error: expect.stringMatching(/^field 2: a quote \("\) inside an unquoted field/),
    });
    expect(records[2]).toEqual({ line: 3, fields: ['2', 'ok', '4'] });
    expect(records).toHaveLength(3);
  });

  it('reports text after a closing quote and resumes at the next line', async () => {
    const records = await parse('"a"b,c\r\nnext,1\r\n');
    expect(records).toEqual([
      { line: 1, error: expect.stringMatching(/^field 1: text after the closing quote/) },
      { line: 2, fields: ['next', '1'] },
    ]);
  });

  it('reports a malformed record that spans lines at its first line and resumes after the error', async () => {
    // The record opens on line 2; the stray text is on line 3; parsing resumes on line 4.
    const records = await parse('h\n"a\nb"x,1\nnext\n');
    expect(records).toEqual([
      { line: 1, fields: ['h'] },
      { line: 2, error: expect.stringContaining('text after the closing quote') },
      { line: 4, fields: ['next'] },
    ]);
  });

  it('reports a quoted field that is never closed, at the line where its record starts', async () => {
    const records = await parse('a,b\n1,2\n3,"open\n4,5\n');
    expect(records).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['1', '2'] },
      { line: 3, error: 'field 2: the quoted field opened on line 3 is never closed (a quote is missing)' },
    ]);
  });

  it('refuses a runaway quoted field longer than the limit instead of buffering the file', async () => {
    const records = await parse(`h\n"${'x'.repeat(50)}\nmore\n`, { maxFieldLength: 20 });
    expect(records[0]).toEqual({ line: 1, fields: ['h'] });
    expect(records[1]).toMatchObject({
      line: 2,
      error: expect.stringContaining('longer than 20 characters'),
    });
    expect(records.some((r) => 'error' in r && r.error.includes('never closed'))).toBe(false);
  });

  it('reports the lines that are not valid UTF-8 and keeps the others', async () => {
    // "Café" in Windows-1252: é is the single byte 0xE9.
    const bytes = new Uint8Array([
      ...encoder.encode('name\n'),
      0x43,
      0x61,
      0x66,
      0xe9,
      0x0a,
      ...encoder.encode('Zoë\n'),
    ]);
    for (const size of [1, 3, 1 << 16]) {
      expect(await parseBytes(bytes, size)).toEqual([
        { line: 1, fields: ['name'] },
        { line: 2, error: expect.stringContaining('not valid UTF-8') },
        { line: 3, fields: ['Zoë'] },
      ]);
    }
  });

  it('yields nothing for empty input or blank lines only', async () => {
    expect(await parse('')).toEqual([]);
    expect(await parse('\r\n\n\r\n')).toEqual([]);
    expect(await collect(fromChunks<Uint8Array>([]))).toEqual([]);
  });

  it('parses many records of a realistic size', async () => {
    const lines: string[] = [];
    for (let i = 0; i < 20_000; i++) lines.push(`INV-${i},ACC-${i % 97},2024-03-15,${i}.25,USD,"note, ${i}"`);
    const bytes = encoder.encode(`${lines.join('\r\n')}\r\n`);
    let count = 0;
    let last: CsvRecord | undefined;
    for await (const record of parseCsv(fromChunks(byteChunks(bytes, 4096)))) {
      count++;
      last = record;
    }
    expect(count).toBe(20_000);
    expect(last).toEqual({
      line: 20_000,
      fields: ['INV-19999', 'ACC-17', '2024-03-15', '19999.25', 'USD', 'note, 19999'],
    });
  });
});

describe('toCsvLine then parseCsv', () => {
  const special = fc.constantFrom(',', '"', '\r', '\n', ' ', '\t', '\uFEFF', 'é', '€', '𝄞', '日');
  const anyChar = fc.string({ unit: 'binary', minLength: 1, maxLength: 1 });
  // U+FFFD is how the reader marks undecodable bytes, so it is not a value that can round-trip.
  const unit = fc.oneof(special, anyChar).filter((c) => c !== '\uFFFD');
  const value = fc.string({ unit, maxLength: 12 });
  const records = fc.array(fc.array(value, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 12 });

  it('round-trips arbitrary values through any chunking, with correct line numbers', async () => {
    await fc.assert(
      fc.asyncProperty(
        records,
        fc.constantFrom('\n', '\r\n'),
        fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 8 }),
        fc.boolean(),
        async (rows, eol, sizes, asBytes) => {
          const lines = rows.map(toCsvLine);
          const text = lines.map((l) => l + eol).join('');
          // Expected line numbers: each record starts after the line breaks of those before it.
          const expected: CsvRecord[] = [];
          let line = 1;
          rows.forEach((fields, k) => {
            expected.push({ line, fields });
            line += (lines[k]?.match(/\r\n|\r|\n/g)?.length ?? 0) + 1;
          });

          const source: (string | Uint8Array)[] = [];
          const whole: string | Uint8Array = asBytes ? encoder.encode(text) : text;
          for (let at = 0, k = 0; at < whole.length; k++) {
            const size = sizes[k % sizes.length] ?? 1;
            source.push(whole.slice(at, at + size));
            at += size;
          }
          expect(await collect(fromChunks(source))).toEqual(expected);
        },
      ),
      { numRuns: 300 },
    );
  });
});
