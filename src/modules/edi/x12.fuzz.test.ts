import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { corporaDir, corpusFile } from '../../../test/support/corpora.ts';
import { isAppError } from '../../core/errors.ts';
import { type ParsedFile, parseText } from '../bank-files/index.ts';
import { createX12_820Parser, createX12_835Parser, createX12Parser } from './index.ts';

/**
 * Thousands of damaged X12 files: every one must end in a parse result or in `bank_files.unreadable`,
 * never in another exception or a hang, and the outcome must not depend on how the text is chunked.
 */

const FIXTURES = resolve(import.meta.dirname, '../../../test/fixtures/bank-files');

const CORPUS = [
  'x12-835/edi-835-parser/tests/test_edi_835_files/blue_cross_nc_sample.txt',
  'x12-835/edi-835-parser/tests/test_edi_835_files/emedny_sample.txt',
  'x12-835/edi-835-parser/tests/test_edi_835_files/united_healthcare_legacy_sample.txt',
  'x12-835/LinuxForHealth-x12/src/tests/resources/835_005010X221A1/medicare-part-a.835',
  'x12-835/pyx12/pyx12/tests/835_mult_loops.txt',
];

const seeds: string[] = [
  ...['x12-820', 'x12-835'].flatMap((dir) =>
    readdirSync(join(FIXTURES, dir))
      .filter((f) => !f.endsWith('.md'))
      .map((f) => readFileSync(join(FIXTURES, dir, f), 'utf8')),
  ),
  ...(corporaDir() === null ? [] : CORPUS.map((p) => readFileSync(corpusFile(p), 'utf8'))),
];

/** Characters that matter to X12 (delimiters, line breaks, signs, digits) and some that never should. */
const SPECIAL = [
  '*',
  '~',
  ':',
  '|',
  '>',
  '^',
  '\\',
  "'",
  '\n',
  '\r',
  ' ',
  '-',
  '.',
  '0',
  '9',
  'S',
  'E',
  '\u0000',
  'é',
  '\uFEFF',
];
const char = fc.oneof(fc.constantFrom(...SPECIAL), fc.string({ minLength: 1, maxLength: 1 }));
const snippet = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.constantFrom(
    'ST*835*1~',
    'SE*2*1~',
    'ISA*',
    'IEA*1*1~',
    'GS*HP~',
    'CLP*A*1*1*1~',
    'BPR*I*1*C*ACH~',
    'RMR*IV*X**-1~',
    '~~',
    'PLB*1*2*WO:1*x~',
  ),
);

type Mutation = (text: string) => string;

/** Splits after each segment terminator or line break, so that whole segments can be moved. */
function units(text: string): string[] {
  return text.split(/(?<=[~\n'\\])/);
}

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.tuple(fc.nat(), char).map(
    ([at, c]): Mutation =>
      (t) => {
        const i = t.length === 0 ? 0 : at % t.length;
        return t.slice(0, i) + c + t.slice(i + 1);
      },
  ),
  fc.nat().map(
    (at): Mutation =>
      (t) =>
        t.slice(0, t.length === 0 ? 0 : at % t.length),
  ),
  fc.tuple(fc.nat(), snippet).map(
    ([at, s]): Mutation =>
      (t) => {
        const i = t.length === 0 ? 0 : at % (t.length + 1);
        return t.slice(0, i) + s + t.slice(i);
      },
  ),
  fc.nat().map(
    (at): Mutation =>
      (t) => {
        const u = units(t);
        u.splice(at % u.length, 1);
        return u.join('');
      },
  ),
  fc.nat().map(
    (at): Mutation =>
      (t) => {
        const u = units(t);
        const i = at % u.length;
        u.splice(i, 0, u[i] ?? '');
        return u.join('');
      },
  ),
  fc.tuple(fc.nat(), fc.nat()).map(
    ([a, b]): Mutation =>
      (t) => {
        const u = units(t);
        const i = a % u.length;
        const j = b % u.length;
        [u[i], u[j]] = [u[j] ?? '', u[i] ?? ''];
        return u.join('');
      },
  ),
);

const damaged = fc
  .tuple(fc.constantFrom(...seeds), fc.array(mutation, { minLength: 1, maxLength: 4 }))
  .map(([seed, mutations]) => mutations.reduce((t, m) => m(t), seed));

type Outcome = { doc: ParsedFile } | { error: string };

function run(factory: typeof createX12Parser, text: string, chunkSize?: number): Outcome {
  try {
    return { doc: parseText(factory, 'x12-835', text, { fileName: 'fuzz.edi' }, chunkSize) };
  } catch (e) {
    if (isAppError(e) && e.code === 'bank_files.unreadable') return { error: e.message };
    throw e;
  }
}

describe('X12 parsers on damaged files', () => {
  it('end in a result or bank_files.unreadable, whatever the chunking', () => {
    fc.assert(
      fc.property(damaged, fc.integer({ min: 1, max: 97 }), (text, chunkSize) => {
        const whole = run(createX12Parser, text);
        expect(run(createX12Parser, text, chunkSize)).toEqual(whole);
      }),
      { numRuns: 2500 },
    );
  }, 20_000);

  it('hold for the single-type parsers too', () => {
    fc.assert(
      fc.property(damaged, (text) => {
        run(createX12_820Parser, text);
        run(createX12_835Parser, text);
      }),
      { numRuns: 1500 },
    );
  }, 20_000);
});
