import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays, type LocalDate } from '../../../core/local-date.ts';
import {
  type AdviceFacts,
  chooseAdviceLinks,
  invoicesFoundIn,
  nameTokens,
  normalizeReference,
  payerSimilarity,
  type ReceiptFacts,
  referenceMatches,
  type ScoredPair,
  scoreAdviceLink,
} from './score-advice-link.ts';

const day = (d: string) => d as LocalDate;

function advice(over: Partial<AdviceFacts> = {}): AdviceFacts {
  return {
    id: 'rma_1',
    currency: 'USD',
    amountMinor: 142500n,
    paymentDate: day('2026-06-10'),
    anchorDate: over.paymentDate ?? day('2026-06-10'),
    paymentReference: null,
    payerName: null,
    invoiceNumbers: [],
    ...over,
  };
}

function receipt(over: Partial<ReceiptFacts> = {}): ReceiptFacts {
  return {
    id: 'rct_1',
    currency: 'USD',
    amountMinor: 142500n,
    returnedMinor: 0n,
    receiptDate: day('2026-06-12'),
    reference: 'BNK-0001',
    endToEndId: null,
    checkNumber: null,
    memo: null,
    remittanceText: null,
    payerName: null,
    ...over,
  };
}

const pair = (a: AdviceFacts, r: ReceiptFacts): ScoredPair => ({
  adviceId: a.id,
  receiptId: r.id,
  score: scoreAdviceLink(a, r),
});

describe('normalizeReference', () => {
  it('ignores case, spaces, punctuation and leading zeros', () => {
    expect(normalizeReference(' pay-0042 ')).toBe('PAY0042');
    expect(normalizeReference('000123456789')).toBe('123456789');
    expect(normalizeReference('0 0 12')).toBe('12');
    expect(normalizeReference('---')).toBeNull();
    expect(normalizeReference('000')).toBeNull();
    expect(normalizeReference(null)).toBeNull();
  });
});

describe('payer names', () => {
  it('drops legal forms and punctuation', () => {
    expect(nameTokens('Globex Corporation')).toEqual(['GLOBEX']);
    expect(nameTokens('Initech, L.L.C.')).toEqual(['INITECH']);
    expect(nameTokens('Müller GmbH & Co')).toEqual(['MULLER', 'AND']);
    expect(nameTokens('THE ACME CO LTD')).toEqual(['ACME']);
  });

  it('scores token overlap, including names a bank cut short', () => {
    expect(payerSimilarity('GLOBEX CORP', 'Globex Corporation')).toBe(1);
    expect(payerSimilarity('ACME BENEFITS TPA', 'ACME BENEFIT')).toBeCloseTo(0.8);
    expect(payerSimilarity('Globex Corporation', 'GLOBEX CORPORATI')).toBe(1);
    expect(payerSimilarity('Initech LLC', 'Hooli Inc')).toBe(0);
    expect(payerSimilarity('Initech LLC', null)).toBe(0);
    // Legal forms alone carry no name.
    expect(payerSimilarity('INC', 'INC')).toBe(0);
    // Short words must be equal, not merely a prefix.
    expect(payerSimilarity('AB', 'ABC')).toBe(0);
  });
});

describe('scoreAdviceLink', () => {
  it('is eligible only for the same currency and amount, inside the window, on a receipt not returned', () => {
    const a = advice();
    expect(scoreAdviceLink(a, receipt()).eligible).toBe(true);
    expect(scoreAdviceLink(a, receipt({ currency: 'CAD' })).eligible).toBe(false);
    expect(scoreAdviceLink(a, receipt({ amountMinor: 142501n })).eligible).toBe(false);
    expect(scoreAdviceLink(a, receipt({ returnedMinor: 142500n })).ineligibleBecause).toMatch(/returned/);
    // A partly returned receipt is still the money the advice speaks of.
    expect(scoreAdviceLink(a, receipt({ returnedMinor: 100n })).eligible).toBe(true);
  });

  it('accepts receipts from 7 days before to 10 days after the payment date, by default and as configured', () => {
    const a = advice({ paymentDate: day('2026-06-10') });
    const at = (offset: number) =>
      scoreAdviceLink(a, receipt({ receiptDate: addDays(day('2026-06-10'), offset) }));
    expect(at(-7).eligible).toBe(true);
    expect(at(-8).eligible).toBe(false);
    expect(at(10).eligible).toBe(true);
    expect(at(11).eligible).toBe(false);
    expect(at(11).ineligibleBecause).toMatch(/11 day\(s\) after/);
    const wide = scoreAdviceLink(a, receipt({ receiptDate: day('2026-06-25') }), {
      daysBefore: 0,
      daysAfter: 15,
    });
    expect(wide.eligible).toBe(true);
    expect(
      scoreAdviceLink(a, receipt({ receiptDate: day('2026-06-09') }), { daysBefore: 0, daysAfter: 15 })
        .eligible,
    ).toBe(false);
  });

  it('finds the payment reference in the reference, end-to-end id, check number or free text', () => {
    const a = advice({ paymentReference: 'pay 2026-0610-01' });
    expect(referenceMatches(a, receipt({ reference: 'PAY2026061001' }))).toBe(true);
    expect(referenceMatches(a, receipt({ endToEndId: 'pay20260610 01' }))).toBe(true);
    expect(referenceMatches(a, receipt({ memo: 'ACH CREDIT PAY 20260610 01 GLOBEX' }))).toBe(true);
    expect(referenceMatches(a, receipt({ remittanceText: 'RMT*PAY2026061001' }))).toBe(true);
    expect(referenceMatches(a, receipt({ memo: 'PAY2026061002' }))).toBe(false);
    const check = advice({ paymentReference: '000004711' });
    expect(referenceMatches(check, receipt({ checkNumber: '4711' }))).toBe(true);
    expect(referenceMatches(check, receipt({ checkNumber: '4712' }))).toBe(false);
    // A short reference is not searched for inside free text, where it would match by chance.
    expect(referenceMatches(advice({ paymentReference: '471' }), receipt({ memo: 'STORE 471 REFUND' }))).toBe(
      false,
    );
    expect(referenceMatches(advice({ paymentReference: '471' }), receipt({ checkNumber: '0471' }))).toBe(
      true,
    );
  });

  it('counts invoice numbers the receipt names', () => {
    const a = advice({ invoiceNumbers: ['INV-1001', 'INV-1002', 'INV-1002', 'CM-7'] });
    expect(invoicesFoundIn(a, receipt({ remittanceText: 'INV 1001 INV1002' }))).toBe(2);
    expect(invoicesFoundIn(a, receipt({ memo: 'invoice inv-1001' }))).toBe(1);
    expect(invoicesFoundIn(a, receipt({ memo: 'INV-10010' }))).toBe(0);
  });

  it('names the evidence in a fixed order and weighs reference over invoices over payer', () => {
    const a = advice({
      paymentReference: 'TRN-88123',
      payerName: 'Globex Corp',
      invoiceNumbers: ['INV-1001'],
    });
    const all = scoreAdviceLink(
      a,
      receipt({ reference: 'TRN88123', payerName: 'GLOBEX CORPORATION', remittanceText: 'INV-1001' }),
    );
    expect(all.evidence).toEqual(['reference', 'amount', 'payer', 'invoices', 'date']);
    expect(all.strength).toBe(7);
    const payerOnly = scoreAdviceLink(a, receipt({ payerName: 'GLOBEX' }));
    expect(payerOnly.evidence).toEqual(['amount', 'payer', 'date']);
    expect(payerOnly.strength).toBe(1);
    // One word in common out of two each is not the same payer.
    const cousin = scoreAdviceLink(
      advice({ payerName: 'Acme Holdings' }),
      receipt({ payerName: 'ACME INDUSTRIES' }),
    );
    expect(cousin.payerSimilarity).toBe(0.5);
    expect(cousin.evidence).not.toContain('payer');
    expect(cousin.payerConflict).toBe(false);
    const conflict = scoreAdviceLink(a, receipt({ payerName: 'Hooli' }));
    expect(conflict.payerConflict).toBe(true);
    expect(conflict.strength).toBe(0);
  });

  it('does not count the recording day as a payment date', () => {
    const a = advice({ paymentDate: null, anchorDate: day('2026-06-10') });
    const s = scoreAdviceLink(a, receipt());
    expect(s.eligible).toBe(true);
    expect(s.evidence).toEqual(['amount']);
  });
});

describe('chooseAdviceLinks', () => {
  it('links a lone candidate on amount and date', () => {
    const d = chooseAdviceLinks([pair(advice(), receipt())]);
    expect(d.links).toEqual([{ adviceId: 'rma_1', receiptId: 'rct_1', linkedBy: 'amount+date' }]);
  });

  it('leaves amount and date alone unlinked when another receipt of that amount is in the window', () => {
    const a = advice();
    const d = chooseAdviceLinks([
      pair(a, receipt()),
      pair(a, receipt({ id: 'rct_2', receiptDate: day('2026-06-11') })),
    ]);
    expect(d.links).toEqual([]);
    expect(d.undecided.get('rma_1')).toMatch(/equally/);
  });

  it('leaves amount and date alone unlinked when another advice of that amount wants the receipt', () => {
    const r = receipt();
    const d = chooseAdviceLinks([pair(advice(), r), pair(advice({ id: 'rma_2' }), r)]);
    expect(d.links).toEqual([]);
  });

  it('links the candidate whose evidence is strictly stronger', () => {
    const a = advice({ paymentReference: '0005550123', payerName: 'Initech' });
    const d = chooseAdviceLinks([
      pair(a, receipt({ id: 'rct_A', payerName: 'INITECH LLC' })),
      pair(a, receipt({ id: 'rct_B', checkNumber: '5550123' })),
      pair(a, receipt({ id: 'rct_C' })),
    ]);
    expect(d.links).toEqual([{ adviceId: 'rma_1', receiptId: 'rct_B', linkedBy: 'reference+amount+date' }]);
  });

  it('leaves two equally strong candidates unlinked', () => {
    const a = advice({ payerName: 'Initech' });
    const d = chooseAdviceLinks([
      pair(a, receipt({ id: 'rct_A', payerName: 'INITECH LLC' })),
      pair(a, receipt({ id: 'rct_B', payerName: 'Initech' })),
    ]);
    expect(d.links).toEqual([]);
  });

  it('does not link on amount and date when the payer names contradict', () => {
    const d = chooseAdviceLinks([pair(advice({ payerName: 'Initech' }), receipt({ payerName: 'Hooli' }))]);
    expect(d.links).toEqual([]);
    expect(d.undecided.get('rma_1')).toMatch(/payer names differ/);
  });

  it('does not link on amount alone when the advice has no payment date', () => {
    const a = advice({ paymentDate: null, anchorDate: day('2026-06-10') });
    expect(chooseAdviceLinks([pair(a, receipt())]).links).toEqual([]);
    const withRef = advice({
      paymentDate: null,
      anchorDate: day('2026-06-10'),
      paymentReference: 'BNK-0001',
    });
    expect(chooseAdviceLinks([pair(withRef, receipt())]).links).toEqual([
      { adviceId: 'rma_1', receiptId: 'rct_1', linkedBy: 'reference+amount' },
    ]);
  });

  it('ignores ineligible pairs', () => {
    const a = advice();
    const d = chooseAdviceLinks([pair(a, receipt()), pair(a, receipt({ id: 'rct_2', amountMinor: 1n }))]);
    expect(d.links.map((l) => l.receiptId)).toEqual(['rct_1']);
  });

  it('never links an advice or a receipt twice, whatever the pairs and their order', () => {
    const adviceArb = fc.record({
      id: fc.constantFrom('rma_1', 'rma_2', 'rma_3'),
      ref: fc.constantFrom(null, 'REF-1', 'REF-2'),
      payer: fc.constantFrom(null, 'Globex', 'Initech'),
      offset: fc.integer({ min: -3, max: 3 }),
    });
    const receiptArb = fc.record({
      id: fc.constantFrom('rct_1', 'rct_2', 'rct_3'),
      ref: fc.constantFrom('REF-1', 'REF-2', 'OTHER'),
      payer: fc.constantFrom(null, 'GLOBEX CORP', 'INITECH', 'HOOLI'),
    });
    fc.assert(
      fc.property(fc.array(fc.tuple(adviceArb, receiptArb), { maxLength: 12 }), (raw) => {
        const pairs = raw.map(([a, r]) =>
          pair(
            advice({
              id: a.id,
              paymentReference: a.ref,
              payerName: a.payer,
              paymentDate: addDays(day('2026-06-10'), a.offset),
            }),
            receipt({ id: r.id, reference: r.ref, payerName: r.payer }),
          ),
        );
        // One score per (advice, receipt): the database gives each pair once.
        const seen = new Set<string>();
        const unique = pairs.filter((p) => {
          const k = `${p.adviceId}|${p.receiptId}`;
          if (seen.has(k)) return false;
          seen.add(k);
          return true;
        });
        const d = chooseAdviceLinks(unique);
        const advices = d.links.map((l) => l.adviceId);
        const receipts = d.links.map((l) => l.receiptId);
        expect(new Set(advices).size).toBe(advices.length);
        expect(new Set(receipts).size).toBe(receipts.length);
        const key = (ls: readonly { adviceId: string; receiptId: string }[]) =>
          ls.map((l) => `${l.adviceId}>${l.receiptId}`).sort();
        expect(key(chooseAdviceLinks([...unique].reverse()).links)).toEqual(key(d.links));
      }),
    );
  });
});
