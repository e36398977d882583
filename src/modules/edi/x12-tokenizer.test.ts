import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isAppError } from '../../core/errors.ts';
import { MAX_SEGMENT, type X12Delimiters, X12Tokenizer } from './x12-tokenizer.ts';

const FIXTURES = resolve(import.meta.dirname, '../../../test/fixtures/bank-files');

interface Tokens {
  segments: { elements: string[]; line: number }[];
  delimiters: X12Delimiters | null;
}

function tokenize(text: string, chunkSize = Number.POSITIVE_INFINITY): Tokens {
  const segments: Tokens['segments'] = [];
  const t: X12Tokenizer = new X12Tokenizer(
    (segment, line) => segments.push({ elements: t.splitSegment(segment), line }),
    'f.edi',
  );
  if (chunkSize >= text.length) t.push(text);
  else for (let i = 0; i < text.length; i += chunkSize) t.push(text.slice(i, i + chunkSize));
  t.end();
  return { segments, delimiters: t.delimiters };
}

/** Segment texts as `ID|line` lists, for compact expectations. */
function summary(tokens: Tokens): string[] {
  return tokens.segments.map((s) => `${s.line}:${s.elements.join('*')}`);
}

function errorOf(run: () => unknown): { code: string; message: string } {
  try {
    run();
  } catch (e) {
    if (isAppError(e)) return { code: e.code, message: e.message };
    throw e;
  }
  throw new Error('expected an error');
}

function fixture(path: string): string {
  return readFileSync(join(FIXTURES, path), 'utf8');
}

const fixtureFiles = ['x12-820', 'x12-835'].flatMap((dir) =>
  readdirSync(join(FIXTURES, dir))
    .filter((f) => !f.endsWith('.md'))
    .map((f) => `${dir}/${f}`),
);

describe('X12Tokenizer', () => {
  it('reads the delimiters from the ISA and numbers the lines segments start on', () => {
    const tokens = tokenize(fixture('x12-820/single-customer.edi'));
    expect(tokens.delimiters).toEqual({ element: '*', component: ':', repetition: '^', segment: '~' });
    const s = summary(tokens);
    expect(s[0]).toBe(
      '1:ISA*00*          *00*          *ZZ*GLOBEXAP       *ZZ*ARBORAR        *240315*0930*^*00501*000000101*0*P*:',
    );
    expect(s[1]).toBe('2:GS*RA*GLOBEXAP*ARBORAR*20240315*0930*101*X*005010X218');
    expect(s.at(-1)).toBe('25:IEA*1*000000101');
    expect(tokens.segments).toHaveLength(25);
  });

  it('reads other delimiters, CRLF line ends, and a second interchange with its own delimiters', () => {
    const plb = tokenize(fixture('x12-835/multi-claim-plb.edi'));
    expect(plb.delimiters).toEqual({ element: '|', component: '>', repetition: '^', segment: '~' });
    expect(summary(plb)).toContain('31:PLB*1234567893*20241231*WO>CLM-OLD-77*20.00*L6*-5.50');

    const two = tokenize(fixture('x12-835/two-interchanges.edi'));
    // 00401: ISA11 is the letter U, not a repetition separator.
    expect(two.delimiters).toEqual({ element: '|', component: '\\', repetition: null, segment: "'" });
    const s = summary(two);
    expect(s).toContain('10:IEA*1*000000801');
    expect(s).toContain(
      '11:ISA*00*          *00*          *ZZ*SECOND         *ZZ*ARBOR          *240902*0930*U*00401*000000802*0*P*\\',
    );
    expect(s).toContain('19:PLB*1*20241231*FB\\INV 7*0.00');
  });

  it('reads a whole interchange written on one line', () => {
    const tokens = tokenize(fixture('x12-820/adjustments-discounts.edi'));
    expect(tokens.segments.map((s) => s.line)).toEqual(tokens.segments.map(() => 1));
    expect(tokens.segments.map((s) => s.elements[0])).toEqual([
      'ISA',
      'GS',
      'ST',
      'BPR',
      'TRN',
      'CUR',
      'N1',
      'N1',
      'ENT',
      'ADX',
      'RMR',
      'RMR',
      'ADX',
      'RMR',
      'RMR',
      'SE',
      'GE',
      'IEA',
    ]);
  });

  it('reads an ISA whose fixed-width fields were trimmed, by counting its separators', () => {
    const text = 'ISA*00**00**ZZ*A*ZZ*B*240101*1200*^*00501*1*0*P*:~ST*835*1~SE*2*1~';
    const tokens = tokenize(text);
    expect(tokens.delimiters).toEqual({ element: '*', component: ':', repetition: '^', segment: '~' });
    expect(summary(tokens)).toEqual([
      '1:ISA*00**00**ZZ*A*ZZ*B*240101*1200*^*00501*1*0*P*:',
      '1:ST*835*1',
      '1:SE*2*1',
    ]);
  });

  it('infers the delimiters of a transaction set sent without envelope', () => {
    const tilde = tokenize('ST*835*1234~BPR*I*1.00*C*CHK~SE*3*1234~');
    expect(tilde.delimiters).toEqual({ element: '*', component: null, repetition: null, segment: '~' });
    expect(summary(tilde)).toEqual(['1:ST*835*1234', '1:BPR*I*1.00*C*CHK', '1:SE*3*1234']);

    const lf = tokenize('ST*820*0001\nBPR*C*1.00\n\nSE*3*0001\n');
    expect(lf.delimiters?.segment).toBe('\n');
    expect(summary(lf)).toEqual(['1:ST*820*0001', '2:BPR*C*1.00', '4:SE*3*0001']);

    const crlf = tokenize('ST|820|0001\r\nBPR|C|1.00\r\nSE|3|0001\r\n', 1);
    expect(crlf.delimiters).toEqual({ element: '|', component: null, repetition: null, segment: '\n' });
    expect(summary(crlf)).toEqual(['1:ST*820*0001', '2:BPR*C*1.00', '3:SE*3*0001']);

    const cr = tokenize('ST*820*0001\rBPR*C*1.00\rSE*3*0001');
    expect(cr.delimiters?.segment).toBe('\r');
    expect(summary(cr)).toEqual(['1:ST*820*0001', '2:BPR*C*1.00', '3:SE*3*0001']);

    // NACHA CTX addenda: backslash terminators, 80-character pieces joined or one per line.
    const pieces = fixture('x12-820/ctx-addenda.txt');
    const joined = tokenize(pieces.split('\n').join(''));
    expect(joined.delimiters?.segment).toBe('\\');
    const direct = tokenize(pieces);
    expect(direct.segments.map((s) => s.elements)).toEqual(joined.segments.map((s) => s.elements));
    expect(direct.segments.map((s) => s.elements.join('*'))).toContain('N1*PR*WAYNE ENTERPRISES');
    expect(direct.segments.map((s) => `${s.line}:${s.elements[0]}`)).toEqual([
      '1:ST',
      '1:BPR',
      '2:TRN',
      '2:N1',
      '3:N1',
      '3:ENT',
      '3:RMR',
      '3:RMR',
      '4:SE',
    ]);
  });

  it('skips a byte order mark, blanks and line breaks between segments, and counts the lines', () => {
    const text = '\uFEFF\n  ST*835*1~\r\n\r\n  BPR*I*1~\n\nSE*3*1~\n   \n';
    expect(summary(tokenize(text))).toEqual(['2:ST*835*1', '4:BPR*I*1', '6:SE*3*1']);
    // A segment wrapped over two lines is joined; the next segment's line still counts the break.
    expect(summary(tokenize('ST*835*1~N1*PR*ACME\nCORP~SE*3*1~'))).toEqual([
      '1:ST*835*1',
      '1:N1*PR*ACMECORP',
      '2:SE*3*1',
    ]);
    // The last segment may lack its terminator.
    expect(summary(tokenize('ST*835*1~SE*2*1'))).toEqual(['1:ST*835*1', '1:SE*2*1']);
  });

  it('gives the same segments and lines however the text is chunked', () => {
    const extra = [
      'ST*820*0001\r\nBPR*C*1.00\r\nSE*3*0001\r\n',
      'ST*820*0001\rBPR*C*1.00\rSE*3*0001\r',
      'ISA*00*          *00*          *ZZ*A              *ZZ*B              *240101*1200*^*00501*000000001*0*P*:\r\nST*835*1\r\nSE*2*1\r\nIEA*0*000000001\r\n',
    ];
    const texts = [...fixtureFiles.map(fixture), ...extra];
    for (const text of texts) {
      const whole = tokenize(text);
      for (const size of [1, 2, 3, 7, 4096]) expect(tokenize(text, size)).toEqual(whole);
    }
  });

  it('refuses what is not X12, saying where', () => {
    expect(errorOf(() => tokenize('Date,Amount\n2024-01-01,1.00\n'))).toEqual({
      code: 'bank_files.unreadable',
      message: "f.edi:1: not an X12 file: expected an ISA (or ST) segment, found 'Date,Amount\\x0a2024-01-'",
    });
    expect(errorOf(() => tokenize('\n\nHELLO')).message).toBe(
      "f.edi:3: not an X12 file: expected an ISA (or ST) segment, found 'HELLO'",
    );
    expect(errorOf(() => tokenize('  \n')).message).toBe('f.edi:2: the file is empty: no X12 segment');
    expect(errorOf(() => tokenize('')).message).toBe('f.edi:1: the file is empty: no X12 segment');
    expect(errorOf(() => tokenize('ST')).message).toBe(
      "f.edi:1: not an X12 file: expected an ISA (or ST) segment, found 'ST'",
    );
    expect(errorOf(() => tokenize('STA*1~')).message).toContain('not an X12 file');
  });

  it('refuses a truncated or malformed ISA', () => {
    const isa = fixture('x12-820/single-customer.edi').slice(0, 106);
    expect(errorOf(() => tokenize(isa.slice(0, 60))).message).toBe(
      'f.edi:1: the file ends inside its ISA segment',
    );
    expect(errorOf(() => tokenize('ISA')).message).toBe('f.edi:1: the file ends inside its ISA segment');
    expect(errorOf(() => tokenize(isa.slice(0, 105))).message).toBe(
      'f.edi:1: the file ends inside its ISA segment',
    );
    expect(errorOf(() => tokenize(`ISA*${'x'.repeat(300)}`)).message).toBe(
      'f.edi:1: the ISA segment does not have its sixteen elements',
    );
    expect(errorOf(() => tokenize(`ISA0${'0'.repeat(300)}`)).message).toBe(
      "f.edi:1: ISA element separator '0' is not usable",
    );
    expect(errorOf(() => tokenize(`${isa.slice(0, 104)}**`)).message).toBe(
      "f.edi:1: ISA16 component separator '*' is not usable",
    );
    expect(errorOf(() => tokenize(`${isa.slice(0, 105)}:`)).message).toBe(
      "f.edi:1: ISA segment terminator ':' is not usable",
    );
  });

  it('refuses a segment longer than any real one, whether it arrives whole or in pieces', () => {
    const text = `ST*835*1~N1*PR*${'A'.repeat(MAX_SEGMENT)}~SE*3*1~`;
    const message = `f.edi:1: no segment terminator '~' within ${MAX_SEGMENT} characters`;
    expect(errorOf(() => tokenize(text)).message).toBe(message);
    expect(errorOf(() => tokenize(text, 4096)).message).toBe(message);
    expect(errorOf(() => tokenize(`ST*835*1${'1'.repeat(MAX_SEGMENT)}`)).message).toBe(message);
  });
});
