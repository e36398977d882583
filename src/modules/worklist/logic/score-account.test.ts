import { describe, expect, it } from 'vitest';
import type { CurrencyCode } from '../../../core/currency.ts';
import type { LocalDate } from '../../../core/local-date.ts';
import { DEFAULT_RISK_SETTINGS } from './risk-model.ts';
import {
  type AccountFacts,
  type AccountState,
  callBlockedUntil,
  DEFAULT_POLICY,
  scoreAccount,
} from './score-account.ts';

const DAY = '2026-11-30' as LocalDate;
const policy = { ...DEFAULT_POLICY, risk: DEFAULT_RISK_SETTINGS };

const facts = (over: Partial<AccountFacts> = {}): AccountFacts => ({
  customerId: 'cus_1',
  accountNumber: 'A1',
  name: 'Alder',
  customerType: 'business',
  segment: null,
  collector: 'asmith',
  currency: 'USD' as CurrencyCode,
  balanceMinor: 1_000_000n,
  creditsMinor: 0n,
  unappliedMinor: 0n,
  pastDueMinor: 600_000n,
  openItems: 3,
  pastDueItems: 2,
  maxDaysPastDue: 75,
  expectedPastDueMinor: 300_000n,
  expectedCurrentMinor: 80_000n,
  placedMinor: 0n,
  creditLimitMinor: null,
  behaviour: { observed: 12, late: 7, meanDaysLate: 41.4, daysSincePayment: 12 },
  lateShare: 0.5,
  ...over,
});

const state = (over: Partial<AccountState> = {}): AccountState => ({
  disputes: { count: 0, amounts: [] },
  promises: { count: 0, amounts: [], dueWithin7Days: 0, nextPromisedDate: null },
  brokenPromises: 0,
  activePlan: null,
  holdReason: null,
  paused: null,
  tasks: [],
  contact: { callsLast7Days: 0, lastConversationOn: null, seventhLatestCallOn: null },
  agencies: [],
  ...over,
});

describe('scoreAccount', () => {
  it('values a call by the expected unpaid amount, items not yet due at a quarter', () => {
    const s = scoreAccount(facts(), state(), DAY, policy);
    // 300,000 + ¼ × 80,000 = 320,000 minor units at risk → 3,200.00
    expect(s.atRiskMinor).toBe(320_000n);
    expect(s.score).toBe(3200);
    expect(s.probability).toBeCloseTo(0.38, 12);
    expect(s.routed).toBe(false);
    expect(s.reasons[0]).toBe('6,000.00 USD past due on 2 of 3 open items, oldest 75 days past due');
    expect(s.reasons[1]).toBe(
      '38 % of the balance likely to be paid late or not at all: 7 of 12 invoices paid more than 30 days late or not at all, paid on average 41 days late',
    );
    expect(s.reasons[2]).toBe('3,200.00 USD expected at risk');
  });

  it('takes disputed amounts, credits and unapplied cash out of what a call can collect', () => {
    const s = scoreAccount(
      facts({ creditsMinor: -100_000n, unappliedMinor: -100_000n }),
      state({ disputes: { count: 2, amounts: [{ currency: 'USD', amountMinor: 300_000n }] } }),
      DAY,
      policy,
    );
    // collectible 1,000,000 − 200,000 − 300,000 = 500,000 of 1,000,000: half of 320,000
    expect(s.atRiskMinor).toBe(160_000n);
    expect(s.disputedMinor).toBe(300_000n);
    expect(s.reasons).toContain(
      '2 open disputes on 3,000.00 USD: not counted as collectible (the dispute owners work them)',
    );
    expect(s.reasons).toContain(
      '2,000.00 USD of open credits and unapplied cash could settle items: apply them first',
    );
  });

  it('routes an account whose whole balance is disputed to the dispute owner', () => {
    const s = scoreAccount(
      facts(),
      state({ disputes: { count: 1, amounts: [{ currency: 'USD', amountMinor: 2_000_000n }] } }),
      DAY,
      policy,
    );
    expect(s.routed).toBe(true);
    expect(s.score).toBe(0);
    expect(s.disputedMinor).toBe(1_000_000n);
    expect(s.reasons).toContain('the whole balance is in dispute: routed to the dispute owner');
  });

  it('ignores disputed amounts in another currency', () => {
    const s = scoreAccount(
      facts(),
      state({ disputes: { count: 1, amounts: [{ currency: 'CAD', amountMinor: 2_000_000n }] } }),
      DAY,
      policy,
    );
    expect(s.score).toBe(3200);
    expect(s.disputedMinor).toBe(0n);
  });

  it('raises the score for broken promises (capped) and a breached credit limit', () => {
    expect(scoreAccount(facts(), state({ brokenPromises: 2 }), DAY, policy).score).toBe(3200 * 1.5);
    expect(scoreAccount(facts(), state({ brokenPromises: 9 }), DAY, policy).score).toBe(3200 * 2);
    const over = scoreAccount(facts({ creditLimitMinor: 800_000n }), state(), DAY, policy);
    expect(over.score).toBe(4000);
    expect(over.reasons).toContain('over the credit limit by 2,000.00 USD (limit 8,000.00 USD)');
    expect(scoreAccount(facts({ creditLimitMinor: 1_000_000n }), state(), DAY, policy).score).toBe(3200);
  });

  it('weighs promises: past their date up, due today or tomorrow up, due later in the week down', () => {
    const promise = (nextPromisedDate: string | null, count = 1) =>
      state({
        promises: {
          count,
          amounts: [{ currency: 'USD', amountMinor: 50_000n }],
          dueWithin7Days: 0,
          nextPromisedDate: nextPromisedDate as LocalDate | null,
        },
      });
    const overdue = scoreAccount(facts(), promise(null, 2), DAY, policy);
    expect(overdue.score).toBe(4800);
    expect(overdue.reasons).toContain(
      '2 open promises of 500.00 USD past the promised date and not yet kept',
    );
    const today = scoreAccount(facts(), promise('2026-11-30'), DAY, policy);
    expect(today.score).toBe(4160);
    expect(today.reasons).toContain('promise of 500.00 USD falls due today (2026-11-30): remind');
    expect(scoreAccount(facts(), promise('2026-12-01'), DAY, policy).score).toBe(4160);
    const coming = scoreAccount(facts(), promise('2026-12-05'), DAY, policy);
    expect(coming.score).toBe(1920);
    expect(coming.reasons).toContain('promise of 500.00 USD falls due 2026-12-05: wait for it');
    // Beyond the 7-day window a promise neither helps nor hurts.
    expect(scoreAccount(facts(), promise('2026-12-20'), DAY, policy).score).toBe(3200);
    // No open promise at all.
    expect(scoreAccount(facts(), promise(null, 0), DAY, policy).score).toBe(3200);
  });

  it('halves an account on a payment plan and names a credit hold', () => {
    const s = scoreAccount(
      facts(),
      state({
        activePlan: {
          id: 'pl',
          nextDueDate: '2026-12-15' as LocalDate,
          nextDue: { currency: 'USD', amountMinor: 25_000n },
        },
        holdReason: 'over limit',
        paused: 'an active payment plan',
      }),
      DAY,
      policy,
    );
    expect(s.score).toBe(1600);
    expect(s.reasons).toContain('on a payment plan; next instalment 250.00 USD due 2026-12-15');
    expect(s.reasons).toContain('on credit hold: over limit');
    expect(s.reasons).toContain('dunning paused: an active payment plan');
  });

  it('blocks calls to a consumer under Regulation F, not to a business', () => {
    const contact = {
      callsLast7Days: 1,
      lastConversationOn: '2026-11-27' as LocalDate,
      seventhLatestCallOn: null,
    };
    const consumer = scoreAccount(facts({ customerType: 'consumer' }), state({ contact }), DAY, policy);
    expect(consumer.callable).toBe(false);
    expect(consumer.callableFrom).toBe('2026-12-04');
    expect(consumer.score).toBe(640);
    expect(consumer.reasons.at(-1)).toBe(
      'Regulation F: no call before 2026-12-04 (spoke with the debtor on 2026-11-27); write or email instead',
    );
    const business = scoreAccount(facts(), state({ contact }), DAY, policy);
    expect(business.callable).toBe(true);
    expect(business.score).toBe(3200);
  });

  it('lists tasks due, overdue ones with their date', () => {
    const s = scoreAccount(
      facts({ balanceMinor: 0n, pastDueMinor: 0n, expectedPastDueMinor: 0n, expectedCurrentMinor: 0n }),
      state({
        tasks: [
          { id: 't1', dueDate: '2026-11-28' as LocalDate, notes: 'send W-9', assignedTo: null },
          { id: 't2', dueDate: DAY, notes: null, assignedTo: 'bjones' },
        ],
      }),
      DAY,
      policy,
    );
    expect(s.score).toBe(0);
    expect(s.reasons).toEqual([
      'task overdue since 2026-11-28: send W-9',
      'task due today (assigned to bjones)',
    ]);
  });

  it('names the agency holding placed items', () => {
    const s = scoreAccount(facts({ placedMinor: 250_000n }), state({ agencies: ['ACME'] }), DAY, policy);
    expect(s.reasons).toContain('2,500.00 USD placed with ACME (left out: the agency works it)');
  });
});

describe('callBlockedUntil (Regulation F, 12 CFR 1006.14)', () => {
  it('waits 7 days after a conversation', () => {
    const c = { callsLast7Days: 1, lastConversationOn: '2026-11-24' as LocalDate, seventhLatestCallOn: null };
    expect(callBlockedUntil(c, DAY)).toBe('2026-12-01');
    expect(callBlockedUntil(c, '2026-12-01' as LocalDate)).toBeNull();
  });

  it('waits 7 days after the 7th attempt in 7 days', () => {
    const c = { callsLast7Days: 7, lastConversationOn: null, seventhLatestCallOn: '2026-11-25' as LocalDate };
    expect(callBlockedUntil(c, DAY)).toBe('2026-12-02');
    expect(callBlockedUntil({ ...c, callsLast7Days: 6 }, DAY)).toBeNull();
  });
});
