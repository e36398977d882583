import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { corporaDir, corpusFile } from '../../../../test/support/corpora.ts';
import { isAppError } from '../../../core/errors.ts';
import { parseText } from '../parse-text.ts';
import { createCamtParser } from './camt.ts';

/**
 * Random damage to camt files: flipped characters, truncations, deleted and repeated lines, inserted
 * markup. Every damaged file must end in a result or in `bank_files.unreadable`, never another
 * exception, and the outcome must not depend on how the text is chunked.
 */

const FIXTURES = join(import.meta.dirname, '..', '..', '..', '..', 'test', 'fixtures', 'bank-files', 'camt');
const seeds = [
  'statement-053-v08.xml',
  'statement-053-v02-controls.xml',
  'notification-054-v04-batches.xml',
  'report-052-v01.xml',
  'wrapped-no-namespace.xml',
].map((name) => readFileSync(join(FIXTURES, name), 'utf8'));
if (corporaDir() !== null) {
  for (const path of [
    'camt/genkgo-camt/test/data/camt054.v4.xml',
    'camt/genkgo-camt/test/data/camt053.v2.minimal.xml',
    'camt/genkgo-camt/test/data/camt052.v1.xml',
    'camt/prowide-iso20022/iso20022-core/src/test/resources/camt.053.001.07.xml',
  ])
    seeds.push(readFileSync(corpusFile(path), 'utf8'));
}

const TOKENS = [
  '<',
  '>',
  '/',
  '&',
  '&amp;',
  '&#x0;',
  '"',
  "'",
  ']]>',
  '<![CDATA[',
  '<!--',
  '-->',
  '<?x?>',
  '<Ntry>',
  '</Ntry>',
  '<TxDtls>',
  '</TxDtls>',
  '<Stmt>',
  '<Amt Ccy="EUR">',
  '</Amt>',
  '-1.5',
  '9999999999999999999.999',
  '<CdtDbtInd>DBIT</CdtDbtInd>',
  '<Bal>',
  '<RmtInf><Strd><RfrdDocAmt><RmtdAmt>1</RmtdAmt></RfrdDocAmt></Strd></RmtInf>',
  '\n',
  '\r',
  '\uFEFF',
  '\u00e9',
];

type Mutation =
  | { kind: 'flip'; at: number; ch: string }
  | { kind: 'truncate'; at: number }
  | { kind: 'deleteLine'; at: number }
  | { kind: 'repeatLine'; at: number }
  | { kind: 'insert'; at: number; text: string };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({
    kind: fc.constant('flip' as const),
    at: fc.nat(),
    ch: fc.oneof(
      fc.constantFrom('<', '>', '/', '&', '"', '=', ' ', '0', '9', '.', '-', 'x'),
      fc.string({ minLength: 1, maxLength: 1 }),
    ),
  }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('deleteLine' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('repeatLine' as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    text: fc.oneof(fc.constantFrom(...TOKENS), fc.string({ maxLength: 8 })),
  }),
);

function apply(text: string, m: Mutation): string {
  if (text.length === 0) return text;
  const at = m.at % text.length;
  switch (m.kind) {
    case 'flip':
      return text.slice(0, at) + m.ch + text.slice(at + 1);
    case 'truncate':
      return text.slice(0, at);
    case 'insert':
      return text.slice(0, at) + m.text + text.slice(at);
    case 'deleteLine':
    case 'repeatLine': {
      const lines = text.split('\n');
      const i = m.at % lines.length;
      if (m.kind === 'deleteLine') lines.splice(i, 1);
      else lines.splice(i, 0, lines[i] ?? '');
      return lines.join('\n');
    }
  }
}

/** The parse's outcome as plain data: the document, or the unreadable error's message. */
function outcome(text: string, chunkSize?: number): unknown {
  try {
    return { doc: parseText(createCamtParser, 'camt.053', text, { fileName: 'fuzz.xml' }, chunkSize) };
  } catch (e) {
    if (isAppError(e) && e.code === 'bank_files.unreadable') return { error: e.message };
    throw e;
  }
}

describe('camt parser under random damage', () => {
  it('ends every damaged file in a result or bank_files.unreadable, the same for any chunking', () => {
    fc.assert(
      fc.property(
        fc.nat(seeds.length - 1),
        fc.array(mutation, { minLength: 1, maxLength: 4 }),
        fc.constantFrom(1, 3, 7, 64, 4096),
        (seed, mutations, chunkSize) => {
          const text = mutations.reduce(apply, seeds[seed] as string);
          const whole = outcome(text);
          // Chunks of 1 or 3 characters are slow on the larger files: use them on a prefix-sized sample.
          const size = chunkSize < 7 && text.length > 8000 ? 7 : chunkSize;
          expect(outcome(text, size)).toEqual(whole);
        },
      ),
      { numRuns: 2500, seed: 20261130 },
    );
  }, 60_000);

  it('refuses random text and random bytes as unreadable', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => {
        const result = outcome(text) as { error?: string };
        expect(typeof result.error).toBe('string');
      }),
      { numRuns: 500, seed: 7 },
    );
  });
});
