import type { CurrencyCode } from '../../../core/currency.ts';
import type { LocalDate } from '../../../core/local-date.ts';
import { bucketLabel, type DocumentLabels } from '../logic/labels.ts';
import { isItemsLine } from '../logic/render-template.ts';
import { CONTENT_WIDTH, type Column, type DocumentLayout, money, renderDocument } from './layout.ts';

export interface NoticeItem {
  readonly number: string;
  readonly type: string;
  readonly issueDate: LocalDate;
  readonly dueDate: LocalDate;
  readonly daysPastDue: number;
  readonly currency: CurrencyCode;
  readonly amount: bigint;
  readonly open: bigint;
}

export interface NoticeTotals {
  readonly currency: CurrencyCode;
  /** Open items, debits and credits: the customer's balance on the AR ledger. */
  readonly totalDue: bigint;
  /** Cash received and not applied (zero or negative). */
  readonly unapplied: bigint;
}

export interface NoticeContent {
  readonly company: string;
  readonly asOf: LocalDate;
  readonly customer: {
    readonly name: string;
    readonly accountNumber: string;
    readonly address: readonly string[];
  };
  readonly title: string;
  /** The template body with merge fields filled, `{{items}}` left where the table goes. */
  readonly body: string;
  readonly items: readonly NoticeItem[];
  readonly totals: readonly NoticeTotals[];
  readonly bucketLabels: readonly string[];
  readonly aging: readonly { readonly currency: CurrencyCode; readonly buckets: readonly bigint[] }[];
  readonly labels: DocumentLabels;
}

/**
 * A dunning letter (reminder, demand, final notice) as PDF: sender and date, the addressee, the
 * subject, the template's paragraphs with the open-items table where `{{items}}` stands (else after
 * them), the total due per currency (and unapplied payments, when there are any), and the aging
 * summary in the statement's buckets.
 */
export function renderNotice(content: NoticeContent): Buffer {
  return renderDocument((layout) => drawNotice(layout, content));
}

function drawNotice(layout: DocumentLayout, content: NoticeContent): Buffer {
  const { labels } = content;
  layout.header({
    company: content.company,
    dateLabel: labels.asOf,
    date: content.asOf,
    addressee: [content.customer.name, ...content.customer.address],
    accountLabel: labels.account,
    accountNumber: content.customer.accountNumber,
  });
  layout.paragraph(content.title, { size: 13, font: 'bold', gap: 10 });
  let tableDrawn = false;
  const drawItems = () => {
    drawItemsTable(layout, content);
    tableDrawn = true;
  };
  for (const block of content.body.split(/\n\s*\n/)) {
    const lines = block.split('\n');
    let text: string[] = [];
    for (const line of lines) {
      if (isItemsLine(line)) {
        if (text.length > 0) layout.paragraph(text.join(' '));
        text = [];
        drawItems();
      } else text.push(line.trim());
    }
    if (text.length > 0) layout.paragraph(text.join(' '));
  }
  if (!tableDrawn) drawItems();
  layout.y += 4;
  for (const t of content.totals) {
    layout.total(labels.totalDue, money(t.totalDue, t.currency, true), { bold: true, size: 11 });
    if (t.unapplied !== 0n) {
      layout.total(labels.unapplied, money(t.unapplied, t.currency, true));
      layout.total(labels.balanceAfterUnapplied, money(t.totalDue + t.unapplied, t.currency, true));
    }
  }
  layout.aging(
    labels,
    content.bucketLabels.map((l) => bucketLabel(l, labels)),
    content.aging,
  );
  return layout.finish(labels, content.customer.accountNumber, content.title);
}

function drawItemsTable(layout: DocumentLayout, content: NoticeContent): void {
  const { labels } = content;
  const several = new Set(content.items.map((i) => i.currency)).size > 1;
  const columns: Column[] = [
    { heading: labels.document, width: 104 },
    { heading: labels.issueDate, width: 70 },
    { heading: labels.dueDate, width: 70 },
    { heading: labels.daysPastDue, width: 70, align: 'right' },
    { heading: labels.amount, width: 90, align: 'right' },
    { heading: labels.open, width: CONTENT_WIDTH - 404, align: 'right' },
  ];
  layout.table(
    columns,
    content.items.map((i) => [
      i.number,
      i.issueDate,
      i.dueDate,
      i.daysPastDue > 0 ? String(i.daysPastDue) : '',
      money(i.amount, i.currency, several),
      money(i.open, i.currency, several),
    ]),
  );
}
