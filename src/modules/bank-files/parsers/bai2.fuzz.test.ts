import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { corporaDir, corpusFile } from '../../../../test/support/corpora.ts';
import { isAppError } from '../../../core/errors.ts';
import type { ParsedFile } from '../model.ts';
import { parseText } from '../parse-text.ts';
import { createBai2Parser } from './bai2.ts';

// Thousands of random mutations of the fixtures and of some corpus files: each must end in a result
// or in `bank_files.unreadable`, never another exception or a hang, and give the same outcome for
// any chunking.

const FIXTURES = join(import.meta.dirname, '..', '..', '..', '..', 'test', 'fixtures', 'bank-files', 'bai2');
const CORPUS_FILES = [
  'bai2/moov-io-bai2/test/testdata/sample1.txt',
  'bai2/moov-io-bai2/test/testdata/sample2.txt',
  'bai2/moov-io-bai2/test/testdata/sample3.txt',
  'bai2/moov-io-bai2/test/testdata/sample5-issue113.txt',
  'bai2/ministryofjustice-bai2/tests/data/citi_example.bai2',
  'bai2/ministryofjustice-bai2/tests/data/nwb_example.bai2',
];

const inputs = [
  ...['full.bai', 'quirks.bai', 'controls.bai', 'oddities.bai', 'unended.bai'].map((n) =>
    readFileSync(join(FIXTURES, n), 'utf8'),
  ),
  ...(corporaDir() === null ? [] : CORPUS_FILES.map((p) => readFileSync(corpusFile(p), 'utf8'))),
];

// Characters and pieces that matter to BAI2, so that mutations reach the parser's branches.
const CHARS = [...'0123456789,/ \n\r-+VSDZ.:"A'];
const TOKENS = [
  '01,',
  '02,',
  '03,',
  '16,',
  '49,',
  '88,',
  '98,',
  '99,',
  '/',
  ',',
  ',,,',
  '\n88,X',
  '/ 16,142,1,,,T/',
  'V,261301,',
];

type Mutation =
  | { kind: 'flip'; at: number; char: string }
  | { kind: 'truncate'; at: number }
  | { kind: 'deleteLine'; at: number }
  | { kind: 'duplicateLine'; at: number }
  | { kind: 'insert'; at: number; text: string };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), char: fc.constantFrom(...CHARS) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('deleteLine' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('duplicateLine' as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    text: fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom(...TOKENS)),
  }),
);

function mutate(text: string, m: Mutation): string {
  const at = m.at % (text.length + 1);
  switch (m.kind) {
    case 'flip':
      return text.slice(0, at) + m.char + text.slice(at + 1);
    case 'truncate':
      return text.slice(0, at);
    case 'insert':
      return text.slice(0, at) + m.text + text.slice(at);
    default: {
      const lines = text.split('\n');
      const i = m.at % lines.length;
      if (m.kind === 'deleteLine') lines.splice(i, 1);
      else lines.splice(i, 0, lines[i] ?? '');
      return lines.join('\n');
    }
  }
}

type Outcome = { doc: ParsedFile } | { error: string };

function run(text: string, chunkSize?: number): Outcome {
  try {
    return { doc: parseText(createBai2Parser, 'bai2', text, { fileName: 'fuzz.bai' }, chunkSize) };
  } catch (e) {
    if (isAppError(e) && e.code === 'bank_files.unreadable') return { error: e.message };
    throw e;
  }
}

const DECIMAL = /^-?\d+(\.\d+)?$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

function expectWellFormed(doc: ParsedFile): void {
  for (const st of doc.statements ?? []) {
    expect(st.account).not.toBe('');
    for (const b of [st.opening_balance, st.closing_balance]) if (b !== null) expect(b).toMatch(DECIMAL);
    for (const e of st.entries) {
      expect(e.amount).toMatch(/^\d+(\.\d+)?$/);
      expect(['credit', 'debit']).toContain(e.direction);
      for (const d of [e.booking_date, e.value_date]) if (d !== null) expect(d).toMatch(DATE);
    }
  }
  for (const w of doc.warnings) {
    expect(w.message.length).toBeGreaterThan(0);
    if (w.line !== null) expect(w.line).toBeGreaterThanOrEqual(1);
  }
}

describe('BAI2 parser under random mutation', () => {
  it('ends every mutated file in a result or bank_files.unreadable, the same for any chunking', () => {
    let results = 0;
    let rejections = 0;
    fc.assert(
      fc.property(
        fc.nat({ max: inputs.length - 1 }),
        fc.array(mutation, { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 1, max: 97 }),
        (which, mutations, chunkSize) => {
          const text = mutations.reduce(mutate, inputs[which] ?? '');
          const whole = run(text);
          if ('doc' in whole) {
            expectWellFormed(whole.doc);
            results++;
          } else {
            rejections++;
          }
          expect(run(text, chunkSize)).toEqual(whole);
        },
      ),
      { numRuns: 2500 },
    );
    // Mutations reach both ends: files still read (with warnings) and files rejected.
    expect(results).toBeGreaterThan(400);
    expect(rejections).toBeGreaterThan(400);
  }, 60_000);
});
