import { formatAmount } from '../../../core/money.ts';
import type { DateStrings } from './demo-calendar.ts';
import type { Customer, Item, Line, Party, Receipt } from './demo-model.ts';

/** Rows of the import files: exactly the spec's columns (sections 2.1 to 2.4), every value a string. */

export type DemoRecord = Record<string, string>;

export function customerRecord(c: Customer): DemoRecord {
  return {
    account_number: c.account,
    name: c.name,
    parent_account_number: c.parent?.account ?? '',
    entity: c.entity,
    currency: c.currency,
    terms: c.terms,
    credit_limit: formatAmount(c.creditLimit, c.currency),
    customer_type: c.consumer ? 'consumer' : 'business',
    segment: c.segment,
    collector: c.collector,
    email: c.email,
    phone: c.phone,
    address_line1: c.address1,
    address_line2: c.address2,
    city: c.city,
    region: c.region,
    postal_code: c.postalCode,
    country: c.country,
    bank_accounts: c.bankAccounts.join(';'),
  };
}

export function partyRecords(parties: Party[]): DemoRecord[] {
  const rows: DemoRecord[] = [];
  for (const p of parties) {
    const relations = p.relations.slice().sort((a, b) => a.customer.ord - b.customer.ord);
    for (const rel of relations) {
      rows.push({
        party_id: p.id,
        party_name: p.name,
        party_kind: p.kind,
        account_number: rel.customer.account,
        roles: rel.roles,
        email: p.email,
        phone: p.phone,
        bank_accounts: p.bankAccounts.join(';'),
      });
    }
  }
  return rows;
}

export function invoiceRecord(item: Item, dates: DateStrings): DemoRecord {
  return {
    invoice_number: item.number,
    account_number: item.customer.account,
    type: item.type,
    issue_date: dates.get(item.issue),
    due_date: item.explicitDue ? dates.get(item.due) : '',
    currency: item.customer.currency,
    amount: formatAmount(item.amount, item.customer.currency),
    terms: item.termsOverride,
    po_number: item.po,
    reference: item.reference,
    description: item.description,
    entity: '',
    bill_to_party_id: item.type === 'invoice' ? item.customer.billToParty : '',
    applies_to: item.appliesTo?.number ?? '',
  };
}

export function historyRecord(
  receipt: Receipt,
  amountText: string,
  row: Line,
  dates: DateStrings,
): DemoRecord {
  return {
    receipt_reference: receipt.reference,
    receipt_date: dates.get(receipt.day),
    receipt_amount: amountText,
    currency: receipt.currency,
    payer_name: receipt.payerName,
    payer_bank_account: receipt.payerAccount,
    method: receipt.method,
    memo: receipt.memo,
    account_number: row.customer.account,
    invoice_number: row.item?.number ?? '',
    kind: row.kind,
    applied_amount: formatAmount(row.amount, receipt.currency),
    reason_code: row.reason,
  };
}
