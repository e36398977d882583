import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { corporaDir, corpusFile, corpusFiles } from '../../../../test/support/corpora.ts';
import { expectWellFormed, mutate, mutationOf, parseOutcome } from '../../../../test/support/parser-fuzz.ts';
import type { ParsedFile } from '../model.ts';
import { createOfxParser } from './ofx.ts';

/**
 * Random damage to OFX files, SGML and XML (changed characters, truncation, lost or doubled lines,
 * inserted text, tags and entities): every run ends in a well-formed result or `bank_files.unreadable`,
 * never in another exception or a hang, and the outcome does not depend on where the chunks break.
 */

const FIXTURES = join(import.meta.dirname, '..', '..', '..', '..', 'test', 'fixtures', 'bank-files', 'ofx');

const seeds: string[] = readdirSync(FIXTURES)
  .filter((f) => !f.endsWith('.md'))
  .map((f) => readFileSync(join(FIXTURES, f), 'utf8'));
if (corporaDir() !== null) {
  for (const p of corpusFiles('ofx', (p) => p.endsWith('.ofx'))) {
    if (statSync(corpusFile(p)).size < 7000) seeds.push(readFileSync(corpusFile(p), 'latin1'));
  }
}

/** Pieces of the format, so that insertions make near misses rather than noise. */
const PIECES = [
  '<OFX>',
  '</OFX>',
  '<STMTRS>',
  '</STMTRS>',
  '<CCSTMTRS>',
  '<INVSTMTRS>',
  '<STMTTRN>',
  '</STMTTRN>',
  '<TRNAMT>',
  '<TRNAMT>-1.005',
  '</TRNAMT>',
  '<DTPOSTED>2024',
  '<BANKACCTFROM>',
  '<ACCTID>',
  '<LEDGERBAL><BALAMT>',
  '<CURRENCY><CURSYM>',
  '<STATUS><CODE>1',
  '<INVTRANLIST><BUYSTOCK><INVTRAN>',
  '<INVBANKTRAN>',
  '<![CDATA[',
  ']]>',
  '<!--',
  '-->',
  '<?OFX VERSION="1"?>',
  '&amp;',
  '&#0;',
  '&#x110000;',
  '&constructor;',
  '<',
  '>',
  '/',
  '\n',
  '\r\n',
];

const mutation = mutationOf(PIECES);

function outcome(text: string, chunk: number): ParsedFile | string {
  const r = parseOutcome(createOfxParser, 'ofx', text, 'fuzz.ofx', chunk);
  return 'doc' in r ? r.doc : `unreadable: ${r.error}`;
}

const expectDocument = (doc: ParsedFile) => expectWellFormed(doc, ['ofx']);

describe('OFX under random damage', () => {
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
