import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { corporaDir, corpusFile, corpusFiles } from '../../../../test/support/corpora.ts';
import { expectWellFormed, mutate, mutationOf, parseOutcome } from '../../../../test/support/parser-fuzz.ts';
import type { ParsedFile } from '../model.ts';
import { createMt940Parser } from './mt940.ts';

/**
 * Random damage to MT940/MT942 files (changed characters, truncation, lost or doubled lines, inserted
 * text and field tags): every run ends in a well-formed result or `bank_files.unreadable`, never in
 * another exception or a hang, and the outcome does not depend on where the chunks break.
 */

const FIXTURES = join(import.meta.dirname, '..', '..', '..', '..', 'test', 'fixtures', 'bank-files', 'mt940');

const seeds: string[] = readdirSync(FIXTURES)
  .filter((f) => !f.endsWith('.md'))
  .map((f) => readFileSync(join(FIXTURES, f), 'latin1'));
if (corporaDir() !== null) {
  for (const p of corpusFiles('mt940', (p) => /\.(sta|mta|STA)$/.test(p))) {
    if (statSync(corpusFile(p)).size < 4000) seeds.push(readFileSync(corpusFile(p), 'latin1'));
  }
}

/** Pieces of the format, so that insertions make near misses rather than noise. */
const PIECES = [
  ':20:',
  ':25:',
  ':28C:',
  ':60F:C',
  ':60M:D',
  ':61:',
  ':61:2401010101',
  ':62F:',
  ':64:',
  ':86:',
  ':34F:EUR',
  ':90D:',
  ':90C:1EUR',
  ':NS:',
  '?20',
  '?3',
  '/NAME/',
  '/REMI/',
  '//',
  'RC',
  'RD',
  ',',
  '-',
  '-}',
  '{1:F01X}{2:I942X}{4:',
  '\n',
  '\r',
  '\r\n',
  ':',
  '999999999999999999',
];

const mutation = mutationOf(PIECES);

function outcome(text: string, chunk: number): ParsedFile | string {
  const r = parseOutcome(createMt940Parser, 'mt940', text, 'fuzz.sta', chunk);
  return 'doc' in r ? r.doc : `unreadable: ${r.error}`;
}

const expectDocument = (doc: ParsedFile) => expectWellFormed(doc, ['mt940', 'mt942']);

describe('MT940 under random damage', () => {
  it('ends in a well-formed result or bank_files.unreadable, for any chunking', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...seeds),
        fc.array(mutation, { minLength: 1, maxLength: 6 }),
        fc.integer({ min: 1, max: 300 }),
        (seed, mutations, chunk) => {
          const text = mutations.reduce(mutate, seed);
          const whole = outcome(text, Number.POSITIVE_INFINITY);
          expect(outcome(text, chunk)).toEqual(whole);
          if (typeof whole !== 'string') expectDocument(whole);
        },
      ),
      { numRuns: 2500 },
    );
  }, 30_000);

  it('survives random text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400, unit: 'binary' }), (text) => {
        const r = outcome(text, Number.POSITIVE_INFINITY);
        if (typeof r !== 'string') expectDocument(r);
      }),
      { numRuns: 1000 },
    );
  });
});
