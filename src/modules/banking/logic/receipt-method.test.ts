import { describe, expect, it } from 'vitest';
import type { StatementEntry } from '../../bank-files/index.ts';
import { receiptMethodOf } from './receipt-method.ts';

const entry = (type_code: string | null, extra: Partial<StatementEntry> = {}): StatementEntry => ({
  reference: null,
  booking_date: null,
  value_date: null,
  amount: '1.00',
  direction: 'credit',
  type_code,
  counterparty_name: null,
  counterparty_account: null,
  end_to_end_id: null,
  check_number: null,
  customer_reference: null,
  remittance_text: null,
  return_reason: null,
  reversal: false,
  ...extra,
});

describe('receiptMethodOf', () => {
  it('reads camt bank transaction codes: ACH credits are not wires', () => {
    expect(receiptMethodOf('camt.053', entry('PMNT/RCDT/ACDT'))).toBe('ach');
    expect(receiptMethodOf('camt.053', entry('PMNT/RCDT/ESCT'))).toBe('sepa');
    expect(receiptMethodOf('camt.053', entry('PMNT/RCDT/XBCT'))).toBe('wire');
    expect(receiptMethodOf('camt.054', entry('PMNT/RCHQ/CCHQ'))).toBe('check');
    expect(receiptMethodOf('camt.053', entry('PMNT/CCRD/POSD'))).toBe('card');
  });

  it('reads BAI2 detail codes, MT940 transaction types, and falls back on text and check numbers', () => {
    expect(receiptMethodOf('bai2', entry('195'))).toBe('wire');
    expect(receiptMethodOf('bai2', entry('165'))).toBe('ach');
    expect(receiptMethodOf('bai2', entry('115'))).toBe('lockbox');
    expect(receiptMethodOf('bai2', entry('301'))).toBe('check');
    expect(receiptMethodOf('mt940', entry('NCHK'))).toBe('check');
    expect(receiptMethodOf('mt940', entry('N166'))).toBe('sepa');
    expect(receiptMethodOf('nacha', entry('22'))).toBe('ach');
    expect(receiptMethodOf('lockbox', entry(null))).toBe('lockbox');
    expect(receiptMethodOf('csv', entry(null, { check_number: '1001' }))).toBe('check');
    expect(receiptMethodOf('csv', entry(null, { remittance_text: 'FEDWIRE CREDIT' }))).toBe('wire');
    expect(receiptMethodOf('csv', entry(null))).toBe('other');
  });
});
