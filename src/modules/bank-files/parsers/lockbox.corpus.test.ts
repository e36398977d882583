import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  CORPORA_ABSENT_REASON,
  corporaDir,
  corpusFile,
  corpusFiles,
} from '../../../../test/support/corpora.ts';
import type { ParsedFile } from '../model.ts';
import { parseText } from '../parse-text.ts';
import { createLockboxParser, readLockboxDetail } from './lockbox.ts';

// The shared corpus (../shared/corpora/MANIFEST.md), read in place: the BAI lockbox files of the
// FundersClub bai-lockbox library, with what the MANIFEST (from the library's own tests) states.

const ABSENT = corporaDir() === null;
if (ABSENT) console.warn(CORPORA_ABSENT_REASON);

const DIR = 'lockbox/FundersClub-bai-lockbox/lockbox/tests';
const FILLED = `${DIR}/test_lockbox.bai`;
const EMPTY = `${DIR}/test_empty_lockbox.bai`;

const text = (path: string) => readFileSync(corpusFile(path), 'utf8');
const parseCorpus = (path: string): ParsedFile =>
  parseText(createLockboxParser, 'lockbox', text(path), { fileName: path });

describe.skipIf(ABSENT)('BAI lockbox parser on the shared corpus', () => {
  it('knows every lockbox file in the corpus', () => {
    expect(corpusFiles('lockbox', (p) => !p.endsWith('LICENSE.txt'))).toEqual([EMPTY, FILLED].sort());
  });

  it('reads the one check of test_lockbox.bai as the library asserts it', () => {
    const doc = parseCorpus(FILLED);
    expect(doc.warnings).toEqual([]);
    expect(doc.statements).toHaveLength(1);
    expect(doc.statements?.[0]).toMatchObject({ account: '0022222', currency: 'USD' });
    // EXPECTED: 1 check, sender BOB E SMITH, check number 180, amount 7000.00, memo CE554.
    expect(doc.statements?.[0]?.entries).toEqual([
      {
        reference: '001-001',
        booking_date: '2016-05-23',
        value_date: null,
        amount: '7000.00',
        direction: 'credit',
        type_code: null,
        counterparty_name: 'BOB E SMITH',
        counterparty_account: '055002707:0012345555',
        end_to_end_id: null,
        check_number: '180',
        customer_reference: null,
        remittance_text: 'CE554',
        return_reason: null,
        reversal: false,
        line: 4,
      },
    ]);
    // The memo is not invoice data, so there is no remittance.
    expect(doc.remittances).toBeUndefined();
    // EXPECTED: recipient MY BUSINESS COMPANY and check date 2016-05-16, fields of the detail record
    // that spec section 4 has no place for.
    const detailRecord = text(FILLED).split('\n')[3] ?? '';
    expect(readLockboxDetail(detailRecord)).toMatchObject({
      payee: 'MY BUSINESS COMPANY',
      checkDate: '2016-05-16',
      checkNumber: '0000000180',
      amountMinor: 700000n,
    });
  });

  it('reads test_empty_lockbox.bai as a lockbox without checks', () => {
    const doc = parseCorpus(EMPTY);
    expect(doc.warnings).toEqual([]);
    expect(doc.statements).toEqual([
      { account: '0022222', currency: 'USD', opening_balance: null, closing_balance: null, entries: [] },
    ]);
    expect(doc.remittances).toBeUndefined();
  });
});
