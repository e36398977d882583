import type { Direction } from '../model.ts';

/**
 * The uniform BAI2 type codes: Appendix A of the BAI "Cash Management Balance Reporting Specifications,
 * Version 2" (now maintained by X9 as the BTRS type-code list). A type code says what an amount in a
 * 03 (account status or activity summary) or 16 (transaction detail) record is, and for activity codes
 * whether the account was credited or debited.
 *
 * Ranges (Appendix A): 001–099 account status; 100 total credits and 101–399 credit summary and detail;
 * 400 total debits and 401–699 debit summary and detail; 700–799 loan codes; 890 non-monetary detail;
 * 900–999 bank-defined codes, by convention 900–919 status, 920–959 credits, 960–999 debits. A code that
 * is not listed here still gets its direction and kind from its range.
 */
export interface Bai2TypeCode {
  code: string;
  /** Null for status (balance) codes and non-monetary codes: they move no money. */
  direction: Direction | null;
  kind: 'status' | 'summary' | 'detail';
  description: string;
  /** A returned, rejected or reversed item: it undoes an earlier movement (spec section 4 `reversal`). */
  reversal: boolean;
  /** An item that is one check, whose serial number is the check number (spec section 4 `check_number`). */
  check: boolean;
}

// One code a line: code, kind (S status, U summary, D detail), description. Direction comes from the
// range, except in the 700–799 loan block where it is given after the kind (C credit, D debit, - none).
const STATUS = `
010 S Opening Ledger
011 S Average Opening Ledger MTD
012 S Average Opening Ledger YTD
015 S Closing Ledger
020 S Average Closing Ledger MTD
021 S Average Closing Ledger Previous Month
022 S Aggregate Balance Adjustments
024 S Average Closing Ledger YTD Previous Month
025 S Average Closing Ledger YTD
030 S Current Ledger
037 S ACH Net Position
039 S Opening Available + Total Same-Day ACH DTC Deposit
040 S Opening Available
041 S Average Opening Available MTD
042 S Average Opening Available YTD
043 S Average Available Previous Month
044 S Disbursing Opening Available Balance
045 S Closing Available
050 S Average Closing Available MTD
051 S Average Closing Available Last Month
054 S Average Closing Available YTD Last Month
055 S Average Closing Available YTD
056 S Loan Balance
057 S Total Investment Position
059 S Current Available (CRS Suppressed)
060 S Current Available
061 S Average Current Available MTD
062 S Average Current Available YTD
063 S Total Float
065 S Target Balance
066 S Adjusted Balance
067 S Adjusted Balance MTD
068 S Adjusted Balance YTD
070 S 0-Day Float
072 S 1-Day Float
073 S Float Adjustment
074 S 2 or More Days Float
075 S 3 or More Days Float
076 S Adjustment to Balances
077 S Average Adjustment to Balances MTD
078 S Average Adjustment to Balances YTD
079 S 4-Day Float
080 S 5-Day Float
081 S 6-Day Float
082 S Average 1-Day Float MTD
083 S Average 1-Day Float YTD
084 S Average 2-Day Float MTD
085 S Average 2-Day Float YTD
086 S Transfer Calculation
`;

const CREDITS = `
100 U Total Credits
101 U Total Credit Amount MTD
105 U Credits Not Detailed
106 U Deposits Subject to Float
107 U Total Adjustment Credits YTD
108 D Credit (Any Type)
109 U Current Day Total Lockbox Deposits
110 U Total Lockbox Deposits
115 D Lockbox Deposit
116 D Item in Lockbox Deposit
118 D Lockbox Adjustment Credit
120 U EDI Transaction Credits
121 D EDI Transaction Credit
122 D EDIBANX Credit Received
123 D EDIBANX Credit Return
130 U Total Concentration Credits
131 U Total DTC Credits
135 D DTC Concentration Credit
136 D Item in DTC Deposit
140 U Total ACH Credits
142 D ACH Credit Received
143 D Item in ACH Deposit
145 D ACH Concentration Credit
146 U Total Bank Card Deposits
147 D Individual Bank Card Deposit
150 U Total Preauthorized Payment Credits
155 D Preauthorized Draft Credit
156 D Item in PAC Deposit
160 U Total ACH Disbursing Funding Credits
162 U Corporate Trade Payment Settlement
163 U Corporate Trade Payment Credits
164 D Corporate Trade Payment Credit
165 D Preauthorized ACH Credit
166 D ACH Settlement
167 U ACH Settlement Credits
168 D ACH Return Item or Adjustment Settlement
169 D Miscellaneous ACH Credit
170 U Total Other Check Deposits
171 D Individual Loan Deposit
172 D Deposit Correction
173 D Bank-Prepared Deposit
174 D Other Deposit
175 D Check Deposit Package
176 D Re-presented Check Deposit
178 U List Post Credits
180 U Total Loan Proceeds
182 U Total Bank-Prepared Deposits
184 D Draft Deposit
185 U Total Miscellaneous Deposits
186 U Total Cash Letter Credits
187 D Cash Letter Credit
188 U Total Cash Letter Adjustments
189 D Cash Letter Adjustment
190 U Total Incoming Money Transfers
191 D Individual Incoming Internal Money Transfer
195 D Incoming Money Transfer
196 D Money Transfer Adjustment
198 D Compensation
200 U Total Automatic Transfer Credits
201 D Individual Automatic Transfer Credit
202 D Bond Operations Credit
205 U Total Book Transfer Credits
206 D Book Transfer Credit
207 U Total International Money Transfer Credits
208 D Individual International Money Transfer Credit
210 U Total International Credits
212 D Foreign Letter of Credit
213 D Letter of Credit
214 D Foreign Exchange of Credit
215 U Total Letters of Credit
216 D Foreign Remittance Credit
218 D Foreign Collection Credit
221 D Foreign Check Purchase
222 D Foreign Checks Deposited
224 D Commission
226 D International Money Market Trading
227 D Standing Order
229 D Miscellaneous International Credit
230 U Total Security Credits
231 U Total Collection Credits
232 D Sale of Debt Security
233 D Securities Sold
234 D Sale of Equity Security
235 D Matured Reverse Repurchase Order
236 D Maturity of Debt Security
237 D Individual Collection Credit
238 D Collection of Dividends
239 U Total Bankers' Acceptance Credits
240 D Coupon Collections - Banks
241 D Bankers' Acceptances
242 D Collection of Interest Income
243 D Matured Fed Funds Purchased
244 D Interest/Matured Principal Payment
245 U Monthly Dividends
246 D Commercial Paper
247 D Capital Change
248 D Savings Bonds Sales Adjustment
249 D Miscellaneous Security Credit
250 U Total Checks Posted and Returned
251 U Total Debit Reversals
252 D Debit Reversal
254 D Posting Error Correction Credit
255 D Check Posted and Returned
256 U Total ACH Return Items
257 D Individual ACH Return Item
258 D ACH Reversal Credit
260 U Total Rejected Credits
261 D Individual Rejected Credit
263 D Overdraft
266 D Return Item
268 D Return Item Adjustment
270 U Total ZBA Credits
271 U Net Zero-Balance Amount
274 D Cumulative ZBA or Disbursement Credits
275 D ZBA Credit
276 D ZBA Float Adjustment
277 D ZBA Credit Transfer
278 D ZBA Credit Adjustment
280 U Total Controlled Disbursing Credits
281 D Individual Controlled Disbursing Credit
285 U Total DTC Disbursing Credits
286 D Individual DTC Disbursing Credit
294 U Total ATM Credits
295 D ATM Credit
301 D Commercial Deposit
302 U Correspondent Bank Deposit
303 U Total Wire Transfers In - FF
304 U Total Wire Transfers In - CHF
305 U Total Fed Funds Sold
306 D Fed Funds Sold
307 U Total Trust Credits
308 D Trust Credit
309 U Total Value-Dated Funds
310 U Total Commercial Deposits
315 U Total International Credits - FF
316 U Total International Credits - CHF
318 U Total Foreign Check Purchased
319 U Late Deposit
320 U Total Securities Sold - FF
321 U Total Securities Sold - CHF
324 U Total Securities Matured - FF
325 U Total Securities Matured - CHF
326 U Total Securities Interest
327 U Total Securities Matured
328 U Total Securities Interest - FF
329 U Total Securities Interest - CHF
330 U Total Escrow Credits
331 D Individual Escrow Credit
332 U Total Miscellaneous Securities Credits - FF
336 U Total Miscellaneous Securities Credits - CHF
338 U Total Securities Sold
340 U Total Broker Deposits
341 U Total Broker Deposits - FF
342 D Broker Deposit
343 U Total Broker Deposits - CHF
344 D Individual Back Value Credit
345 D Item in Brokers Deposit
346 D Sweep Interest Income
347 D Sweep Principal Sell
348 D Futures Credit
349 D Principal Payments Credit
350 U Investment Sold
351 D Individual Investment Sold
352 U Total Cash Center Credits
353 D Cash Center Credit
354 D Interest Credit
355 U Investment Interest
356 U Total Credit Adjustment
357 D Credit Adjustment
358 D YTD Adjustment Credit
359 D Interest Adjustment Credit
360 U Total Credits Less Wire Transfer and Returned Checks
361 U Grand Total Credits Less Grand Total Debits
362 D Correspondent Collection
363 D Correspondent Collection Adjustment
364 D Loan Participation
366 D Currency and Coin Deposited
367 D Food Stamp Letter
368 D Food Stamp Adjustment
369 D Clearing Settlement Credit
370 U Total Back Value Credits
372 D Back Value Adjustment
373 D Customer Payroll
374 D FRB Statement Recap
376 D Savings Bond Letter or Adjustment
377 D Treasury Tax and Loan Credit
378 D Transfer of Treasury Credit
379 D FRB Government Checks Cash Letter Credit
381 D FRB Government Check Adjustment
382 D FRB Postal Money Order Credit
383 D FRB Postal Money Order Adjustment
384 D FRB Cash Letter Auto Charge Credit
385 U Total Universal Credits
386 D FRB Cash Letter Auto Charge Adjustment
387 D FRB Fine-Sort Cash Letter Credit
388 D FRB Fine-Sort Adjustment
389 U Total Freight Payment Credits
390 U Total Miscellaneous Credits
391 D Universal Credit
392 D Freight Payment Credit
393 D Itemized Credit Over $10,000
394 D Cumulative Credits
395 D Check Reversal
397 D Float Adjustment
398 D Miscellaneous Fee Refund
399 D Miscellaneous Credit
`;

const DEBITS = `
400 U Total Debits
401 U Total Debit Amount MTD
403 U Today's Total Debits
405 U Total Debit Less Wire Transfers and Charge-Backs
406 U Debits Not Detailed
408 D Float Adjustment
409 D Debit (Any Type)
410 U Total YTD Adjustment
412 U Total Debits (Excluding Returned Items)
415 D Lockbox Debit
416 U Total Lockbox Debits
420 U EDI Transaction Debits
421 D EDI Transaction Debit
422 D EDIBANX Settlement Debit
423 D EDIBANX Return Item Debit
430 U Total Payable-Through Drafts
435 D Payable-Through Draft
445 D ACH Concentration Debit
446 U Total ACH Disbursement Funding Debits
447 D ACH Disbursement Funding Debit
450 U Total ACH Debits
451 D ACH Debit Received
452 D Item in ACH Disbursement or Debit
455 D Preauthorized ACH Debit
462 D Account Holder Initiated ACH Debit
463 U Corporate Trade Payment Debits
464 D Corporate Trade Payment Debit
465 U Corporate Trade Payment Settlement
466 D ACH Settlement
467 U ACH Settlement Debits
468 D ACH Return Item or Adjustment Settlement
469 D Miscellaneous ACH Debit
470 U Total Check Paid
471 U Total Check Paid - Cumulative MTD
472 D Cumulative Checks Paid
474 D Certified Check Debit
475 D Check Paid
476 D Federal Reserve Bank Letter Debit
477 D Bank Originated Debit
478 U List Post Debits
479 D List Post Debit
480 U Total Loan Payments
481 D Individual Loan Payment
482 U Total Bank-Originated Debits
484 D Draft
485 D DTC Debit
486 U Total Cash Letter Debits
487 D Cash Letter Debit
489 D Cash Letter Adjustment
490 U Total Outgoing Money Transfers
491 D Individual Outgoing Internal Money Transfer
493 D Customer Terminal Initiated Money Transfer
495 D Outgoing Money Transfer
496 D Money Transfer Adjustment
498 D Compensation
500 U Total Automatic Transfer Debits
501 D Individual Automatic Transfer Debit
502 D Bond Operations Debit
505 U Total Book Transfer Debits
506 D Book Transfer Debit
507 U Total International Money Transfer Debits
508 D Individual International Money Transfer Debit
510 U Total International Debits
512 D Letter of Credit Debit
513 D Letter of Credit
514 D Foreign Exchange Debit
515 U Total Letters of Credit
516 D Foreign Remittance Debit
518 D Foreign Collection Debit
522 D Foreign Checks Paid
524 D Commission
526 D International Money Market Trading
527 D Standing Order
529 D Miscellaneous International Debit
530 U Total Security Debits
531 D Securities Purchased
532 U Total Amount of Securities Purchased
533 D Security Collection Debit
534 U Total Miscellaneous Securities Debits - FF
535 D Purchase of Equity Securities
536 U Total Miscellaneous Securities Debits - CHF
537 U Total Collection Debit
538 D Matured Repurchase Order
539 U Total Bankers' Acceptances Debit
540 D Coupon Collection Debit
541 D Bankers' Acceptances
542 D Purchase of Debt Securities
543 D Domestic Collection
544 D Interest/Matured Principal Payment
546 D Commercial Paper
547 D Capital Change
548 D Savings Bonds Sales Adjustment
549 D Miscellaneous Security Debit
550 U Total Deposited Items Returned
551 U Total Credit Reversals
552 D Credit Reversal
554 D Posting Error Correction Debit
555 D Deposited Item Returned
556 U Total ACH Return Items
557 D Individual ACH Return Item
558 D ACH Reversal Debit
560 U Total Rejected Debits
561 D Individual Rejected Debit
563 D Overdraft
564 D Overdraft Fee
566 D Return Item
567 D Return Item Fee
568 D Return Item Adjustment
570 U Total ZBA Debits
574 D Cumulative ZBA Debits
575 D ZBA Debit
577 D ZBA Debit Transfer
578 D ZBA Debit Adjustment
580 U Total Controlled Disbursing Debits
581 D Individual Controlled Disbursing Debit
583 U Total Disbursing Checks Paid - Early Amount
584 U Total Disbursing Checks Paid - Later Amount
585 U Disbursing Funding Requirement
586 U FRB Presentment Estimate (Fed Estimate)
587 U Late Debits (After Notification)
588 U Total Disbursing Checks Paid - Last Amount
590 U Total DTC Debits
594 U Total ATM Debits
595 D ATM Debit
596 U Total ARP Debits
597 D ARP Debit
601 U Estimated Total Disbursement
602 U Adjusted Total Disbursement
610 U Total Funds Required
611 U Total Wire Transfers Out - CHF
612 U Total Wire Transfers Out - FF
613 U Total International Debit - CHF
614 U Total International Debit - FF
615 U Total Federal Reserve Bank - Commercial Bank Debit
616 D Federal Reserve Bank - Commercial Bank Debit
617 U Total Securities Purchased - CHF
618 U Total Securities Purchased - FF
621 U Total Broker Debits - CHF
622 D Broker Debit
623 U Total Broker Debits - FF
625 U Total Broker Debits
626 U Total Fed Funds Purchased
627 D Fed Funds Purchased
628 U Total Cash Center Debits
629 D Cash Center Debit
630 U Total Debit Adjustments
631 D Debit Adjustment
632 U Total Trust Debits
633 D Trust Debit
634 D YTD Adjustment Debit
640 U Total Escrow Debits
641 D Individual Escrow Debit
644 D Individual Back Value Debit
646 U Transfer Calculation Debit
650 U Investments Purchased
651 D Individual Investment Purchased
654 D Interest Debit
655 U Total Investment Interest Debits
656 D Sweep Principal Buy
657 D Futures Debit
658 D Principal Payments Debit
659 D Interest Adjustment Debit
661 D Account Analysis Fee
662 D Correspondent Collection Debit
663 D Correspondent Collection Adjustment
664 D Loan Participation
665 U Intercept Debits
666 D Currency and Coin Shipped
667 D Food Stamp Letter
668 D Food Stamp Adjustment
669 D Clearing Settlement Debit
670 U Total Back Value Debits
672 D Back Value Adjustment
673 D Customer Payroll
674 D FRB Statement Recap
676 D Savings Bond Letter or Adjustment
677 D Treasury Tax and Loan Debit
678 D Transfer of Treasury Debit
679 D FRB Government Checks Cash Letter Debit
681 D FRB Government Check Adjustment
682 D FRB Postal Money Order Debit
683 D FRB Postal Money Order Adjustment
684 D FRB Cash Letter Auto Charge Debit
685 U Total Universal Debits
686 D FRB Cash Letter Auto Charge Adjustment
687 D FRB Fine-Sort Cash Letter Debit
688 D FRB Fine-Sort Adjustment
689 U FRB Freight Payment Debits
690 U Total Miscellaneous Debits
691 D Universal Debit
692 D Freight Payment Debit
693 D Itemized Debit Over $10,000
694 D Deposit Reversal
695 D Deposit Correction Debit
696 D Regular Collection Debit
697 D Cumulative Debits
698 D Miscellaneous Fees
699 D Miscellaneous Debit
`;

// Loan codes (Appendix A, 700–799) and the non-monetary detail code 890: the direction is explicit.
const LOANS_AND_OTHER = `
701 S - Principal Loan Balance
703 S - Available Commitment Amount
705 S - Payment Amount Due
707 S - Principal Amount Past Due
709 S - Interest Amount Past Due
720 U C Total Loan Payment
721 D C Amount Applied to Interest
722 D C Amount Applied to Principal
723 D C Amount Applied to Escrow
724 D C Amount Applied to Late Charges
725 D C Amount Applied to Buydown
726 D C Amount Applied to Misc. Fees
727 D C Amount Applied to Deferred Interest Detail
728 D C Amount Applied to Service Charge
760 U D Loan Disbursement
890 D - Contains Non-monetary Information
`;

/**
 * Returned, rejected and reversed items: each undoes an earlier movement (a deposited check that
 * bounced, an ACH entry returned by the receiving bank with an R code, a rejected credit, a reversal).
 * Return-item fees (567) and settlement totals (168, 468) are not themselves returned items.
 */
const REVERSALS = new Set(
  '123 252 255 257 258 261 266 268 395 423 552 555 557 558 561 566 568 694'.split(' '),
);

/**
 * Codes that report one check: its serial number is the check number. By BAI convention the bank puts
 * it in the customer reference field of the 16 record (for 475 Check Paid, the check the account holder
 * wrote; for 555 Deposited Item Returned, the deposited check that came back).
 */
const CHECKS = new Set('116 176 221 222 255 395 474 475 522 555'.split(' '));

const KINDS = { S: 'status', U: 'summary', D: 'detail' } as const;

function rangeDirection(n: number): Direction | null {
  if (n >= 100 && n <= 399) return 'credit';
  if (n >= 400 && n <= 699) return 'debit';
  if (n >= 920 && n <= 959) return 'credit';
  if (n >= 960 && n <= 999) return 'debit';
  return null;
}

function buildTable(): Map<string, Bai2TypeCode> {
  const table = new Map<string, Bai2TypeCode>();
  const add = (code: string, kind: string, direction: Direction | null, description: string) => {
    table.set(code, {
      code,
      direction,
      kind: KINDS[kind as keyof typeof KINDS],
      description,
      reversal: REVERSALS.has(code),
      check: CHECKS.has(code),
    });
  };
  for (const block of [STATUS, CREDITS, DEBITS]) {
    for (const row of block.trim().split('\n')) {
      const code = row.slice(0, 3);
      add(code, row.charAt(4), rangeDirection(Number(code)), row.slice(6));
    }
  }
  for (const row of LOANS_AND_OTHER.trim().split('\n')) {
    const d = row.charAt(6);
    add(row.slice(0, 3), row.charAt(4), d === 'C' ? 'credit' : d === 'D' ? 'debit' : null, row.slice(8));
  }
  return table;
}

/** Every listed code, for tests and for anyone who prints a code's name. */
export const BAI2_TYPE_CODES: ReadonlyMap<string, Bai2TypeCode> = buildTable();

/** Every three-digit code by its number, listed or derived, filled on first use (the parser's hot path). */
const byNumber: (Bai2TypeCode | undefined)[] = new Array(1000);

/**
 * The type code's meaning: the listed entry, else one derived from the code's range (bank-defined
 * codes such as 9xx, or codes added to the list after this table). Null when the text is not a
 * three-digit code.
 */
export function lookupBai2TypeCode(code: string): Bai2TypeCode | null {
  if (code.length !== 3) return null;
  let n = 0;
  for (let i = 0; i < 3; i++) {
    const c = code.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return null;
    n = n * 10 + c;
  }
  const known = byNumber[n];
  if (known !== undefined) return known;
  const found = BAI2_TYPE_CODES.get(code) ?? deriveFromRange(code, n);
  byNumber[n] = found;
  return found;
}

function deriveFromRange(code: string, n: number): Bai2TypeCode {
  const status = n < 100 || (n >= 700 && n <= 719) || (n >= 900 && n <= 919);
  return {
    code,
    direction: status ? null : rangeDirection(n),
    kind: status ? 'status' : n === 890 ? 'detail' : 'summary',
    description: n >= 900 ? 'Bank-defined type code' : 'Type code not in the BAI list',
    reversal: false,
    check: false,
  };
}
