import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { corporaDir, corpusFile } from '../../../../test/support/corpora.ts';
import { expectWellFormed, mutate, mutationOf, parseOutcome } from '../../../../test/support/parser-fuzz.ts';
import type { ParsedFile } from '../model.ts';
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

const mutation = mutationOf(TOKENS, CHARS);

const run = (text: string, chunkSize?: number) =>
  parseOutcome(createBai2Parser, 'bai2', text, 'fuzz.bai', chunkSize);

const expectDocument = (doc: ParsedFile) => expectWellFormed(doc, ['bai2']);

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
            expectDocument(whole.doc);
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
