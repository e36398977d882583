import { PassThrough, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { toCsvLine, writeCsv } from './write-csv.ts';

describe('toCsvLine', () => {
  it('quotes only the fields that need it', () => {
    expect(toCsvLine(['plain', '12.50', 'INV-1'])).toBe('plain,12.50,INV-1');
    expect(toCsvLine(['a,b', 'say "hi"', 'two\nlines', 'cr\r', ' lead', 'trail ', ''])).toBe(
      '"a,b","say ""hi""","two\nlines","cr\r"," lead","trail ",',
    );
    expect(toCsvLine(['inner space', 'é€'])).toBe('inner space,é€');
  });

  it('writes a lone empty field so that it is not a blank line', () => {
    expect(toCsvLine([''])).toBe('""');
    expect(toCsvLine(['', ''])).toBe(',');
  });
});

async function collect(stream: PassThrough): Promise<string> {
  let text = '';
  stream.setEncoding('utf8');
  for await (const chunk of stream) text += chunk;
  return text;
}

describe('writeCsv', () => {
  it('writes the header and rows with CRLF, or LF when asked', async () => {
    const out = new PassThrough();
    const text = collect(out);
    await writeCsv(['name', 'amount'], [['Acme, Inc.', '1.00']], out);
    out.end();
    expect(await text).toBe('name,amount\r\n"Acme, Inc.",1.00\r\n');

    const lf = new PassThrough();
    const lfText = collect(lf);
    async function* rows() {
      yield ['a'];
      yield ['b'];
    }
    await writeCsv(['x'], rows(), lf, { lineEnding: '\n' });
    lf.end();
    expect(await lfText).toBe('x\na\nb\n');
  });

  it('waits for a slow consumer instead of buffering the whole export', async () => {
    let received = 0;
    let maxAhead = 0;
    let produced = 0;
    const out = new Writable({
      highWaterMark: 1024,
      write(chunk: Buffer, _encoding, callback) {
        received += chunk.length;
        setTimeout(callback, 1);
      },
    });
    function* rows() {
      for (let i = 0; i < 20_000; i++) {
        const row = [`INV-${String(i).padStart(6, '0')}`, '1234.56', 'a note of some length'];
        produced += toCsvLine(row).length + 2;
        maxAhead = Math.max(maxAhead, produced - received);
        yield row;
      }
    }
    await writeCsv(['invoice', 'amount', 'note'], rows(), out);
    await new Promise<void>((resolve) => out.end(resolve));
    expect(received).toBe(produced + 'invoice,amount,note\r\n'.length);
    // ~900 KB in all; the producer never ran more than about two batches ahead of the consumer.
    expect(produced).toBeGreaterThan(800_000);
    expect(maxAhead).toBeLessThan(200_000);
  });

  it('rejects when the stream fails', async () => {
    const out = new Writable({
      write(_chunk, _encoding, callback) {
        callback(new Error('disk full'));
      },
    });
    function* rows() {
      for (let i = 0; i < 100_000; i++) yield [`row ${i}`];
    }
    await expect(writeCsv(['x'], rows(), out)).rejects.toThrow('disk full');
  });
});
