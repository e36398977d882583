import type { Statement } from '../../reporting/index.ts';
import { bucketLabel, type DocumentLabels } from '../logic/labels.ts';
import { CONTENT_WIDTH, type DocumentLayout, MARGIN, money, renderDocument } from './layout.ts';

/**
 * A statement of account as PDF, from the statement report (reporting module): per currency the
 * opening balance, every movement with its running balance and the closing balance; then the items
 * open at the end, the total due (the closing balance, which is what the AR ledger and unapplied
 * cash say the customer owes) and the aging summary.
 */
export interface StatementContent {
  readonly company: string;
  readonly statement: Statement;
  readonly address: readonly string[];
  readonly intro: string;
  readonly labels: DocumentLabels;
}

export function renderStatement(input: StatementContent): Buffer {
  return renderDocument((layout) => drawStatement(layout, input));
}

function drawStatement(layout: DocumentLayout, input: StatementContent): Buffer {
  const { statement: s, labels } = input;
  layout.header({
    company: input.company,
    dateLabel: labels.asOf,
    date: s.to,
    addressee: [s.customer.name, ...input.address],
    accountLabel: labels.account,
    accountNumber: s.customer.accountNumber,
  });
  const title = `${labels.statementTitle} – ${s.customer.accountNumber}`;
  layout.paragraph(title, { size: 13, font: 'bold', gap: 2 });
  layout.paragraph(`${labels.period}: ${s.from} – ${s.to}`, { gap: 6 });
  if (input.intro !== '') layout.paragraph(input.intro);
  const several = s.currencies.length > 1;
  for (const currency of s.currencies) {
    layout.ensure(40);
    layout.y += 14;
    layout.text(MARGIN, `${labels.activity}${several ? ` (${currency})` : ''}`, { font: 'bold' });
    layout.total(labels.openingBalance, money(s.opening.get(currency) ?? 0n, currency, true));
    const lines = s.lines.filter((l) => l.currency === currency);
    if (lines.length === 0) layout.paragraph(labels.noActivity);
    else
      layout.table(
        [
          { heading: labels.date, width: 70 },
          { heading: labels.type, width: 120 },
          { heading: labels.document, width: 130 },
          { heading: labels.amount, width: 90, align: 'right' },
          { heading: labels.balance, width: CONTENT_WIDTH - 410, align: 'right' },
        ],
        lines.map((l) => [l.date, l.type, l.document, money(l.amount, currency), money(l.balance, currency)]),
      );
    layout.total(labels.closingBalance, money(s.closing.get(currency) ?? 0n, currency, true));
  }
  if (s.openItems.length > 0) {
    layout.ensure(40);
    layout.y += 16;
    layout.text(MARGIN, labels.openItems, { font: 'bold' });
    layout.table(
      [
        { heading: labels.document, width: 104 },
        { heading: labels.issueDate, width: 70 },
        { heading: labels.dueDate, width: 70 },
        { heading: labels.daysPastDue, width: 70, align: 'right' },
        { heading: labels.amount, width: 90, align: 'right' },
        { heading: labels.open, width: CONTENT_WIDTH - 404, align: 'right' },
      ],
      s.openItems.map((i) => [
        i.number,
        i.issueDate,
        i.dueDate,
        i.daysPastDue > 0 ? String(i.daysPastDue) : '',
        money(i.amount, i.currency, several),
        money(i.open, i.currency, several),
      ]),
    );
  }
  for (const currency of s.currencies) {
    const unapplied = s.unapplied.get(currency) ?? 0n;
    if (unapplied !== 0n) layout.total(labels.unapplied, money(unapplied, currency, true));
    layout.total(labels.totalDue, money(s.closing.get(currency) ?? 0n, currency, true), {
      bold: true,
      size: 11,
    });
  }
  layout.aging(
    labels,
    s.buckets.map((b) => bucketLabel(b.label, labels)),
    [...s.aging].map(([currency, buckets]) => ({ currency, buckets })),
  );
  return layout.finish(labels, s.customer.accountNumber, title);
}
