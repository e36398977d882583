import { coreError } from './errors.ts';
import { addDays, endOfMonth, type LocalDate } from './local-date.ts';
import { percentRate, type Rate } from './money.ts';

/**
 * Payment terms as finance writes them: `NET30` (due 30 days after issue), `2/10NET30` (2 % off if
 * paid within 10 days, else net in 30), `NET30EOM` (due 30 days after the end of the issue month),
 * `DUE` (due on receipt). Spaces and case are ignored: `2/10 net 30` = `2/10NET30`.
 */
export interface PaymentTerms {
  /** Canonical code: `NET30`, `2/10NET30`, `NET30EOM`, `DUE`. */
  readonly code: string;
  readonly netDays: number;
  readonly endOfMonth: boolean;
  readonly discount: { readonly percent: string; readonly rate: Rate; readonly days: number } | null;
}

const TERMS = /^(?:(\d{1,2}(?:\.\d{1,4})?)%?\/(\d{1,3}))?NET(\d{1,3})(EOM)?$/;

export function parsePaymentTerms(text: string): PaymentTerms {
  const s = text.replace(/\s+/g, '').toUpperCase();
  if (s === 'DUE' || s === 'DUEONRECEIPT' || s === 'COD') {
    return { code: 'DUE', netDays: 0, endOfMonth: false, discount: null };
  }
  const m = TERMS.exec(s);
  if (!m) {
    throw coreError(
      'core.invalid_terms',
      `unknown payment terms "${text}": use NETn, d/xNETn (e.g. 2/10NET30), NETnEOM or DUE`,
    );
  }
  const netDays = Number(m[3]);
  const eom = m[4] !== undefined;
  if (m[1] === undefined)
    return { code: `NET${netDays}${eom ? 'EOM' : ''}`, netDays, endOfMonth: eom, discount: null };
  const percent = m[1];
  const days = Number(m[2]);
  if (Number(percent) <= 0 || Number(percent) >= 100) {
    throw coreError('core.invalid_terms', `discount percentage in "${text}" must be between 0 and 100`);
  }
  if (days > netDays) {
    throw coreError('core.invalid_terms', `discount period in "${text}" is longer than the net period`);
  }
  return {
    code: `${percent}/${days}NET${netDays}${eom ? 'EOM' : ''}`,
    netDays,
    endOfMonth: eom,
    discount: { percent, rate: percentRate(percent), days },
  };
}

/** The base date terms count from: the issue date, or the end of the issue month for EOM terms. */
function baseDate(terms: PaymentTerms, issueDate: LocalDate): LocalDate {
  return terms.endOfMonth ? endOfMonth(issueDate) : issueDate;
}

export function dueDateFor(terms: PaymentTerms, issueDate: LocalDate): LocalDate {
  return addDays(baseDate(terms, issueDate), terms.netDays);
}

/** Last day on which the early-payment discount is earned, or null when the terms have none. */
export function discountUntil(terms: PaymentTerms, issueDate: LocalDate): LocalDate | null {
  return terms.discount ? addDays(baseDate(terms, issueDate), terms.discount.days) : null;
}
