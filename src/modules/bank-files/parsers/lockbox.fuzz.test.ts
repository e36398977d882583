import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { corporaDir, corpusFile } from '../../../../test/support/corpora.ts';
import { expectWellFormed, mutate, mutationOf, parseOutcome } from '../../../../test/support/parser-fuzz.ts';
import type { ParsedFile } from '../model.ts';
import { createLockboxParser } from './lockbox.ts';

// Thousands of random mutations of the lockbox fixtures and corpus files: each must end in a result
// or in `bank_files.unreadable`, never another exception or a hang, and give the same outcome for
// any chunking.

const FIXTURES = join(
  import.meta.dirname,
  '..',
  '..',
  '..',
  '..',
  'test',
  'fixtures',
  'bank-files',
  'lockbox',
);
const CORPUS_FILES = [
  'lockbox/FundersClub-bai-lockbox/lockbox/tests/test_lockbox.bai',
  'lockbox/FundersClub-bai-lockbox/lockbox/tests/test_empty_lockbox.bai',
];

const inputs = [
  ...['checks.txt', 'controls.txt', 'oddities.txt'].map((n) => readFileSync(join(FIXTURES, n), 'utf8')),
  ...(corporaDir() === null ? [] : CORPUS_FILES.map((p) => readFileSync(corpusFile(p), 'utf8'))),
];

// Record types and characters that matter to fixed-width lockbox records.
const CHARS = [...'0123456789 \n\r-ABX9'];
const TOKENS = ['\n4', '\n6', '\n7', '\n8', '\n9', '0000012500', 'INV-9 0000000100', '\n5001000'];

const mutation = mutationOf(TOKENS, CHARS);

const run = (text: string, chunkSize?: number) =>
  parseOutcome(createLockboxParser, 'lockbox', text, 'fuzz.lbx', chunkSize);

const expectDocument = (doc: ParsedFile) => expectWellFormed(doc, ['lockbox']);

describe('BAI lockbox parser under random mutation', () => {
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
      { numRuns: 3000 },
    );
    // Mutations reach both ends: files still read (with warnings) and files rejected.
    expect(results).toBeGreaterThan(400);
    expect(rejections).toBeGreaterThan(400);
  }, 60_000);
});
