import { beforeAll, describe, expect, it } from 'vitest';
import { parseCurrency } from '../../src/core/currency.ts';
import { formatAmount, parseAmount } from '../../src/core/money.ts';
import { type CashBenchData, generateCashBench, resolveParams, type TruthReceipt } from './generate.ts';
import {
  combine,
  type ExportRow,
  evaluate,
  type ReceiptOutcome,
  summarize,
  thresholdForPrecision,
} from './score.ts';

const USD = parseCurrency('USD');
const minor = (s: string) => parseAmount(s, USD);
const dec = (v: bigint) => formatAmount(v, USD);

let data: CashBenchData;
let truth: readonly TruthReceipt[];

beforeAll(() => {
  data = generateCashBench(resolveParams({ seed: 21, receipts: 300, customers: 150, openItems: 3000 }));
  truth = data.truth;
});

function row(
  t: TruthReceipt,
  r: Partial<ExportRow> & Pick<ExportRow, 'kind' | 'amount' | 'status'>,
): ExportRow {
  return {
    receipt_reference: t.reference,
    receipt_date: t.receipt_date,
    receipt_amount: t.receipt_amount,
    currency: t.currency,
    account_number: '',
    target: '',
    reason_code: '',
    confidence: '',
    explanation: '',
    ...r,
  };
}

/** What a perfect engine exports: the truth as auto rows, receipts that are not payments left open. */
function perfect(t: TruthReceipt, confidence = '0.99'): ExportRow[] {
  if (t.rows.every((r) => r.kind === 'unapplied'))
    return [
      row(t, { kind: 'unapplied', amount: t.receipt_amount, status: 'open', explanation: 'not applied' }),
    ];
  return t.rows.map((r) =>
    row(t, {
      kind: r.kind,
      target: r.target,
      account_number: r.account,
      amount: r.amount,
      reason_code: r.reason_code,
      status: 'auto',
      confidence,
    }),
  );
}

const sumOf = (ts: readonly TruthReceipt[]) => ts.reduce((a, t) => a + minor(t.receipt_amount), 0n);
const applies = (t: TruthReceipt) => t.rows.some((r) => r.kind !== 'unapplied');
const triplesOf = (t: TruthReceipt) => t.rows.filter((r) => r.kind === 'invoice' || r.kind === 'credit_memo');

describe('the cash benchmark scorer', () => {
  it('scores a perfect export as exactly right everywhere, and ignores history and other receipts’ rows', () => {
    const history = { ...(truth[0] as TruthReceipt), reference: 'HR-OLD-1' };
    const rows = [
      ...truth.flatMap((t) => perfect(t)),
      row(history, { kind: 'invoice', target: 'INV-X', amount: '1.00', status: 'history' }),
    ];
    const s = summarize(evaluate(truth, rows));
    const ar = truth.filter(applies);
    expect(s.receipts).toBe(truth.length);
    expect(s.missing).toBe(0);
    expect(s.unknownReceipts).toBe(0);
    expect(s.exactByCount).toEqual({ count: truth.length, of: truth.length, rate: 1 });
    expect(s.exactByValue.rate).toBe(1);
    expect(s.autoByCount).toEqual({ count: ar.length, of: truth.length, rate: ar.length / truth.length });
    expect(s.autoByValue.value).toBe(sumOf(ar));
    expect(s.precisionByCount.rate).toBe(1);
    expect(s.precisionByValue.rate).toBe(1);
    const triples = truth.reduce((a, t) => a + triplesOf(t).length, 0);
    expect(s.triplePrecision.byCount).toEqual({ count: triples, of: triples, rate: 1 });
    expect(s.tripleRecall.byCount).toEqual({ count: triples, of: triples, rate: 1 });
    expect(s.tripleRecall.byValue.rate).toBe(1);
    expect(s.exactReference.auto.rate).toBe(1);
    expect(s.nonArLeftAlone.rate).toBe(1);
    expect(s.reasonCodes.rate).toBe(1);
    expect(s.suggestionHits.of).toBe(0);
    expect(s.scenarios.every((x) => x.exact.rate === 1)).toBe(true);
    expect(s.scenarios.reduce((a, x) => a + x.receipts, 0)).toBe(truth.length);
    // Amounts compare as amounts, not as text.
    const loose = truth.flatMap((t) => perfect(t).map((r) => ({ ...r, amount: r.amount.replace(/0$/, '') })));
    expect(summarize(evaluate(truth, loose)).exactByCount.rate).toBe(1);
  });

  it('catches a wrong document, amount, kind, account, a missing or extra row, a missing receipt, an applied non-payment', () => {
    const ar = truth.filter((t) => applies(t) && triplesOf(t).length > 0);
    const withDiscount = truth.find((t) => t.rows.some((r) => r.kind === 'discount')) as TruthReceipt;
    const multi = ar.find((t) => t !== withDiscount && t.rows.length >= 2) as TruthReceipt;
    const others = ar.filter((t) => t !== withDiscount && t !== multi);
    const [wrongTarget, wrongAmount, wrongAccount, extraRow, missing] = others as TruthReceipt[];
    const nonAr = truth.find((t) => !applies(t)) as TruthReceipt;
    const someOtherInvoice = (t: TruthReceipt) =>
      (ar.find((x) => x !== t && triplesOf(x).length > 0) as TruthReceipt).rows.find((r) => r.target !== '')
        ?.target as string;
    const altered = new Map<TruthReceipt, ExportRow[]>();
    const edit = (t: TruthReceipt, f: (rows: ExportRow[]) => ExportRow[]) => altered.set(t, f(perfect(t)));
    let i = 0;
    const firstDoc = (rows: ExportRow[]) => rows.findIndex((r) => r.target !== '');
    edit(wrongTarget as TruthReceipt, (rows) => {
      i = firstDoc(rows);
      return rows.map((r, k) =>
        k === i ? { ...r, target: someOtherInvoice(wrongTarget as TruthReceipt) } : r,
      );
    });
    edit(wrongAmount as TruthReceipt, (rows) => {
      i = firstDoc(rows);
      return rows.map((r, k) => (k === i ? { ...r, amount: dec(minor(r.amount) + 1n) } : r));
    });
    edit(withDiscount, (rows) => rows.map((r) => (r.kind === 'discount' ? { ...r, kind: 'deduction' } : r)));
    edit(wrongAccount as TruthReceipt, (rows) => rows.map((r) => ({ ...r, account_number: 'A999999' })));
    edit(multi, (rows) => rows.slice(1));
    edit(extraRow as TruthReceipt, (rows) => [
      ...rows,
      { ...(rows[0] as ExportRow), kind: 'on_account', target: '', amount: '10.00' },
    ]);
    edit(missing as TruthReceipt, () => []);
    edit(nonAr, () => [
      row(nonAr, {
        kind: 'invoice',
        target: someOtherInvoice(nonAr),
        account_number: 'A100000',
        amount: nonAr.receipt_amount,
        status: 'auto',
        confidence: '0.9',
      }),
    ]);
    const rows = truth.flatMap((t) => altered.get(t) ?? perfect(t));
    const s = summarize(evaluate(truth, rows));
    const arCount = truth.filter(applies).length;
    // Seven receipts are applied wrongly (six payments and the non-payment); one is missing.
    expect(s.missing).toBe(1);
    expect(s.exactByCount.count).toBe(truth.length - 8);
    expect(s.autoByCount.count).toBe(arCount - 1 + 1);
    expect(s.precisionByCount.count).toBe(s.autoByCount.count - 7);
    expect(s.nonArLeftAlone.count).toBe(s.nonArLeftAlone.of - 1);
    // Triples: the wrong document and amount miss one each way; the dropped row and the missing
    // receipt miss theirs; the non-payment's invoice is a false one.
    const all = truth.reduce((a, t) => a + triplesOf(t).length, 0);
    const droppedDocs = multi.rows[0]?.target === '' ? 0 : 1;
    const lost = 2 + droppedDocs + triplesOf(missing as TruthReceipt).length;
    expect(s.tripleRecall.byCount).toMatchObject({ count: all - lost, of: all });
    expect(s.triplePrecision.byCount).toMatchObject({
      count: all - lost,
      of: all - droppedDocs - triplesOf(missing as TruthReceipt).length + 1,
    });
    expect(s.triplePrecision.byValue.rate as number).toBeLessThan(1);
    // Each scenario's table counts what happened in it.
    const scenarioOf = (t: TruthReceipt) => s.scenarios.find((x) => x.scenario === t.scenario);
    expect(scenarioOf(nonAr)?.precision.count).toBe((scenarioOf(nonAr)?.precision.of ?? 0) - 1);
  });

  it('counts a rank-1 suggestion as a hit only when it is the whole truth', () => {
    const ar = truth.filter((t) => applies(t) && t.rows.length >= 1);
    const [right, wrong, none] = ar as TruthReceipt[];
    const open = (t: TruthReceipt) =>
      row(t, { kind: 'unapplied', amount: t.receipt_amount, status: 'open', explanation: 'not applied' });
    const suggested = (t: TruthReceipt) => perfect(t, '0.7').map((r) => ({ ...r, status: 'suggested' }));
    const altered = new Map<TruthReceipt, ExportRow[]>([
      [right as TruthReceipt, [open(right as TruthReceipt), ...suggested(right as TruthReceipt)]],
      [
        wrong as TruthReceipt,
        [
          open(wrong as TruthReceipt),
          ...suggested(wrong as TruthReceipt).map((r) => ({ ...r, account_number: 'A999999' })),
        ],
      ],
      [none as TruthReceipt, [open(none as TruthReceipt)]],
    ]);
    const s = summarize(
      evaluate(
        truth,
        truth.flatMap((t) => altered.get(t) ?? perfect(t)),
      ),
    );
    expect(s.suggestionHits).toEqual({ count: 1, of: 3, rate: 1 / 3 });
    expect(s.suggestionPrecision).toEqual({ count: 1, of: 2, rate: 0.5 });
    expect(s.autoByCount.count).toBe(truth.filter(applies).length - 3);
    // The receipts themselves are not right: their money is still unapplied.
    expect(s.exactByCount.count).toBe(truth.length - 3);
  });

  it('chooses the lowest confidence threshold that keeps 99.5 % precision, and applies it', () => {
    const outcome = (exact: boolean, confidence: number): ReceiptOutcome => ({
      reference: '',
      scenario: 'exact_reference',
      amountMinor: 100n,
      present: true,
      auto: true,
      exact,
      exactWithReasons: exact,
      hasReason: false,
      confidence,
      suggested: false,
      suggestionExact: false,
      applies: true,
    });
    const build = (groups: [number, number, number][]) =>
      groups.flatMap(([c, right, wrong]) => [
        ...Array.from({ length: right }, () => outcome(true, c)),
        ...Array.from({ length: wrong }, () => outcome(false, c)),
      ]);
    // 0.99: 600 right; 0.9: 400 right, 4 wrong (1000/1004 = 99.6 %); 0.8: 10 right, 10 wrong.
    const tuning = build([
      [0.99, 600, 0],
      [0.9, 400, 4],
      [0.8, 10, 10],
    ]);
    expect(thresholdForPrecision(tuning, 0.995)).toBe(0.9);
    expect(thresholdForPrecision(tuning, 0.9999)).toBe(0.99);
    expect(thresholdForPrecision(build([[0.5, 1, 1]]), 0.995)).toBeNull();
    // Scored at the threshold, the low-confidence receipts no longer count as auto-applied.
    const evaluation = { receipts: tuning, triples: combine([]).triples, unknownReceipts: 0 };
    const at = summarize(evaluation, { threshold: 0.9 });
    expect(at.autoByCount).toMatchObject({ count: 1004, of: 1024 });
    expect(at.precisionByCount).toMatchObject({ count: 1000, of: 1004 });
    expect(summarize(evaluation).autoByCount.count).toBe(1024);
  });

  it('adds seeds up, and notices exported receipts the truth does not know', () => {
    const half = Math.floor(truth.length / 2);
    const a = truth.slice(0, half);
    const b = truth.slice(half);
    const stray = row(
      { ...(truth[0] as TruthReceipt), reference: 'BK-STRAY' },
      {
        kind: 'unapplied',
        amount: '5.00',
        status: 'open',
      },
    );
    const ea = evaluate(
      a,
      a.flatMap((t) => perfect(t)),
    );
    const eb = evaluate(b, [...b.flatMap((t) => perfect(t)), stray]);
    const both = combine([ea, eb]);
    expect(both.receipts).toHaveLength(truth.length);
    expect(both.triples.truth).toBe(ea.triples.truth + eb.triples.truth);
    expect(both.triples.matchedValue).toBe(ea.triples.matchedValue + eb.triples.matchedValue);
    expect(both.unknownReceipts).toBe(1);
    expect(summarize(both).exactByCount.rate).toBe(1);
    // Confidence comes from the auto rows; none given is none.
    expect(ea.receipts.find((o) => o.auto)?.confidence).toBe(0.99);
    const blank = evaluate(
      a,
      a.flatMap((t) => perfect(t, '')),
    );
    expect(blank.receipts.every((o) => o.confidence === null)).toBe(true);
  });
});
