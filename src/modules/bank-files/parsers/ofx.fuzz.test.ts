import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { corporaDir, corpusFile, corpusFiles } from '../../../../test/support/corpora.ts';
import { isAppError } from '../../../core/errors.ts';
import type { ParsedFile } from '../model.ts';
import { parseText } from '../parse-text.ts';
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

type Mutation =
  | { kind: 'set'; at: number; char: string }
  | { kind: 'truncate'; at: number }
  | { kind: 'dropLine'; at: number }
  | { kind: 'doubleLine'; at: number }
  | { kind: 'insert'; at: number; text: string };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({
    kind: fc.constant('set' as const),
    at: fc.nat(),
    char: fc.string({ minLength: 1, maxLength: 1, unit: 'binary' }),
  }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('dropLine' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('doubleLine' as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    text: fc.oneof(fc.constantFrom(...PIECES), fc.string({ maxLength: 12, unit: 'binary' })),
  }),
);

function mutate(text: string, m: Mutation): string {
  const at = text.length === 0 ? 0 : m.at % (text.length + 1);
  switch (m.kind) {
    case 'set':
      return text.slice(0, at) + m.char + text.slice(at + 1);
    case 'truncate':
      return text.slice(0, at);
    case 'insert':
      return text.slice(0, at) + m.text + text.slice(at);
    case 'dropLine':
    case 'doubleLine': {
      const lines = text.split('\n');
      const i = m.at % lines.length;
      if (m.kind === 'dropLine') lines.splice(i, 1);
      else lines.splice(i, 0, lines[i] ?? '');
      return lines.join('\n');
    }
  }
}

function outcome(text: string, chunk: number): ParsedFile | string {
  try {
    return parseText(createOfxParser, 'ofx', text, { fileName: 'fuzz.ofx' }, chunk);
  } catch (e) {
    if (isAppError(e) && e.code === 'bank_files.unreadable') return `unreadable: ${e.message}`;
    throw e;
  }
}

const DECIMAL = /^-?(0|[1-9]\d*)(\.\d+)?$/;
const DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

function expectWellFormed(doc: ParsedFile): void {
  expect(doc.format).toBe('ofx');
  for (const s of doc.statements ?? []) {
    expect(typeof s.account).toBe('string');
    if (s.currency !== null) expect(s.currency).not.toBe('');
    for (const b of [s.opening_balance, s.closing_balance]) if (b !== null) expect(b).toMatch(DECIMAL);
    for (const e of s.entries) {
      expect(e.amount).toMatch(DECIMAL);
      expect(e.amount.startsWith('-')).toBe(false);
      expect(['credit', 'debit']).toContain(e.direction);
      for (const d of [e.booking_date, e.value_date]) if (d !== null) expect(d).toMatch(DATE);
      expect(typeof e.reversal).toBe('boolean');
    }
  }
  for (const w of doc.warnings) {
    expect(w.message).not.toBe('');
    if (w.line !== null) expect(w.line).toBeGreaterThan(0);
  }
}

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
          if (typeof whole !== 'string') expectWellFormed(whole);
        },
      ),
      { numRuns: 2500 },
    );
  }, 30_000);

  it('survives random text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400, unit: 'binary' }), (text) => {
        const r = outcome(text, Number.POSITIVE_INFINITY);
        if (typeof r !== 'string') expectWellFormed(r);
      }),
      { numRuns: 1000 },
    );
  });
});
