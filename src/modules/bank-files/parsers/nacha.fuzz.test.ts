import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { corporaDir, corpusFile } from '../../../../test/support/corpora.ts';
import { AppError } from '../../../core/errors.ts';
import { parseText } from '../parse-text.ts';
import { createNachaParser } from './nacha.ts';

// Random damage to NACHA files (flipped characters, truncation, deleted, duplicated and inserted
// lines, stray text): the parser must end in a result or in `bank_files.unreadable`, never another
// exception, and give the same outcome whatever the chunking.

const FIXTURES = join(import.meta.dirname, '..', '..', '..', '..', 'test', 'fixtures', 'bank-files', 'nacha');

const SEEDS: string[] = readdirSync(FIXTURES)
  .filter((f) => f.endsWith('.ach'))
  .sort()
  .map((f) => readFileSync(join(FIXTURES, f), 'utf8'));

// A few real files when the shared corpus is there (small ones: thousands of runs each parse twice).
if (corporaDir() !== null)
  for (const path of [
    'nacha/moov-io-ach/test/issues/testdata/issue702.ach',
    'nacha/moov-io-ach/test/testdata/20110805A.ach',
    'nacha/moov-io-ach/test/testdata/iat-mixedDebitCredit.ach',
    'nacha/moov-io-ach/examples/testdata/contested-return.ach',
    'nacha/moov-io-ach/test/testdata/adv.ach',
    'nacha/jm81-ach/spec/ach/fixtures/return_fixedlength.txt',
    'nacha/comanage_nacha/test_return_file.large_returns_file.ach',
  ])
    SEEDS.push(readFileSync(corpusFile(path), 'utf8'));

type Mutation = (text: string) => string;

const RECORDISH = [
  '9'.repeat(94),
  `5220${'X'.repeat(90)}`,
  `6${'2'.repeat(93)}`,
  `705${' '.repeat(91)}`,
  '8',
  '9',
  '1',
  '\r',
  '\n',
  '\r\n',
  '\ufeff',
  '\u001a',
  'é',
];

const position = fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true });
const at = (text: string, p: number) => Math.floor(p * (text.length + 1));

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  // Replace one character.
  fc
    .tuple(
      position,
      fc.oneof(fc.constantFrom(...'0123456789 X\n\r9'), fc.string({ minLength: 1, maxLength: 1 })),
    )
    .map(
      ([p, c]): Mutation =>
        (t) => {
          const i = Math.min(at(t, p), Math.max(t.length - 1, 0));
          return t.slice(0, i) + c + t.slice(i + 1);
        },
    ),
  // Cut the text short.
  position.map(
    (p): Mutation =>
      (t) =>
        t.slice(0, at(t, p)),
  ),
  // Delete or duplicate a line.
  fc.tuple(position, fc.boolean()).map(
    ([p, dup]): Mutation =>
      (t) => {
        const lines = t.split('\n');
        const i = Math.min(Math.floor(p * lines.length), lines.length - 1);
        if (dup) lines.splice(i, 0, lines[i] ?? '');
        else lines.splice(i, 1);
        return lines.join('\n');
      },
  ),
  // Insert a record-like string or random text.
  fc.tuple(position, fc.oneof(fc.constantFrom(...RECORDISH), fc.string({ maxLength: 120 }))).map(
    ([p, s]): Mutation =>
      (t) =>
        t.slice(0, at(t, p)) + s + t.slice(at(t, p)),
  ),
);

type Outcome = { ok: string } | { unreadable: string };

function outcome(text: string, chunkSize?: number): Outcome {
  try {
    return {
      ok: JSON.stringify(parseText(createNachaParser, 'nacha', text, { fileName: 'fuzz.ach' }, chunkSize)),
    };
  } catch (e) {
    // Anything but `bank_files.unreadable` fails the property.
    if (e instanceof AppError && e.code === 'bank_files.unreadable') return { unreadable: e.message };
    throw e;
  }
}

describe('NACHA parser under random damage', () => {
  it('ends in a result or bank_files.unreadable, the same for any chunking', { timeout: 60_000 }, () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: SEEDS.length - 1 }),
        fc.array(mutation, { minLength: 1, maxLength: 5 }),
        fc.integer({ min: 1, max: 300 }),
        (seed, mutations, chunkSize) => {
          const text = mutations.reduce((t, m) => m(t), SEEDS[seed] ?? '');
          expect(outcome(text, chunkSize)).toEqual(outcome(text));
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('survives arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 600 }), fc.integer({ min: 1, max: 50 }), (text, chunkSize) => {
        expect(outcome(text, chunkSize)).toEqual(outcome(text));
      }),
      { numRuns: 1000 },
    );
  });
});
