import { sql } from 'kysely';
import type { Executor } from '../../core/context.ts';
import { type CurrencyCode, parseCurrency } from '../../core/currency.ts';
import { newId } from '../../core/ids.ts';
import { parseAmount } from '../../core/money.ts';
import { parsePaymentTerms } from '../../core/payment-terms.ts';
import { type BulkColumn, insertMany } from '../../db/bulk.ts';
import type { CustomersTable } from '../../db/schema.ts';
import { recordAudit } from '../audit/index.ts';
import type { ImportHandlerArgs, ImportOutcome, ImportSpec } from '../imports/index.ts';
import type { TableRow } from '../tabular/index.ts';
import { findEntities, getDefaultEntity } from '../tenancy/index.ts';
import { parseBankAccountList } from './logic/bank-account.ts';
import { findCustomersByNumbers } from './parties.repo.ts';

export const CUSTOMERS_SPEC: ImportSpec = {
  kind: 'customers',
  required: ['account_number', 'name'],
  optional: [
    'parent_account_number',
    'entity',
    'currency',
    'terms',
    'credit_limit',
    'customer_type',
    'segment',
    'collector',
    'email',
    'phone',
    'address_line1',
    'address_line2',
    'city',
    'region',
    'postal_code',
    'country',
    'bank_accounts',
    // Added by Arbor (INTERCHANGE.md allows additions): consumer contact windows and letters.
    'time_zone',
    'language',
  ],
};

/** The default terms of a customer created without any (documented in docs/import-formats.md). */
export const DEFAULT_TERMS = 'NET30';

type CustomerRow = Omit<CustomersTable, 'created_at' | 'updated_at'>;

const COLUMNS: readonly BulkColumn[] = [
  { name: 'tenant_id', type: 'integer' },
  { name: 'id', type: 'text' },
  { name: 'account_number', type: 'text' },
  { name: 'name', type: 'text' },
  { name: 'entity_id', type: 'text' },
  { name: 'currency', type: 'text' },
  { name: 'parent_id', type: 'text' },
  { name: 'terms', type: 'text' },
  { name: 'credit_limit_minor', type: 'bigint' },
  { name: 'customer_type', type: 'text' },
  { name: 'segment', type: 'text' },
  { name: 'collector', type: 'text' },
  { name: 'address_line1', type: 'text' },
  { name: 'address_line2', type: 'text' },
  { name: 'city', type: 'text' },
  { name: 'region', type: 'text' },
  { name: 'postal_code', type: 'text' },
  { name: 'country', type: 'text' },
  { name: 'time_zone', type: 'text' },
  { name: 'language', type: 'text' },
];

const UPDATABLE = COLUMNS.map((c) => c.name).filter(
  (n) => !['tenant_id', 'id', 'account_number', 'parent_id'].includes(n),
);
const ON_CONFLICT = `on conflict (tenant_id, account_number) do update set ${UPDATABLE.map((n) => `${n} = excluded.${n}`).join(', ')}, updated_at = now()`;

const CHUNK = 2000;
const LANGUAGE = /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/;

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

interface Pending {
  line: number;
  accountNumber: string;
  fields: string[];
}

/**
 * `arbor import customers` (INTERCHANGE.md §2.1): upserts customer accounts. A column absent from
 * the file leaves that field of existing customers alone; a column present but empty clears it (or,
 * for entity, currency and terms, keeps the current value). A parent may appear later in the file.
 * A customer that already has items or receipts cannot move to another entity or currency.
 */
export async function importCustomers(args: ImportHandlerArgs): Promise<ImportOutcome> {
  const { tx, ctx, columns, issues } = args;
  const tenantId = ctx.tenantId;
  const entities = new Map((await findEntities(tx, tenantId)).map((e) => [e.code.toUpperCase(), e]));
  const defaultEntity = await getDefaultEntity(tx, tenantId);
  const seen = new Map<string, number>();
  const parentLinks: { line: number; child: string; parent: string }[] = [];
  const bankAccounts: { customer: string; accounts: string[] }[] = [];
  const contacts: { customer: string; email: string | null; phone: string | null }[] = [];
  let created = 0;
  let updated = 0;
  let rowCount = 0;
  let pending: Pending[] = [];

  const get = (fields: string[], name: string) => columns.get(fields, name);

  async function flush(): Promise<void> {
    if (pending.length === 0) return;
    const batch = pending;
    pending = [];
    const existingRows = await tx
      .selectFrom('customers')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where(
        'account_number',
        'in',
        batch.map((p) => p.accountNumber),
      )
      .execute();
    const existing = new Map(existingRows.map((r) => [r.account_number, r]));
    const withActivity = await customersWithActivity(
      tx,
      tenantId,
      existingRows.map((r) => r.id),
    );
    const out: CustomerRow[] = [];
    const audits: { id: string; before: Partial<CustomerRow>; after: Partial<CustomerRow> }[] = [];
    for (const p of batch) {
      const { line, fields } = p;
      const prior = existing.get(p.accountNumber);
      const entityCode = get(fields, 'entity');
      const entity = entityCode ? entities.get(entityCode.toUpperCase()) : undefined;
      if (entityCode && !entity) {
        issues.add(line, 'entity', `unknown entity "${entityCode}"; import it first (arbor import entities)`);
        continue;
      }
      const entityRow =
        entity ?? (prior ? [...entities.values()].find((e) => e.id === prior.entity_id) : defaultEntity);
      if (!entityRow) continue;
      const currencyText = get(fields, 'currency');
      const currency = currencyText
        ? issues.capture(line, 'currency', () => parseCurrency(currencyText))
        : ((prior?.currency as CurrencyCode | undefined) ?? entityRow.currency);
      if (!currency) continue;
      const termsText = get(fields, 'terms');
      const terms = termsText
        ? issues.capture(line, 'terms', () => parsePaymentTerms(termsText).code)
        : (prior?.terms ?? DEFAULT_TERMS);
      if (!terms) continue;
      let creditLimit: bigint | null = prior?.credit_limit_minor ?? null;
      if (columns.has('credit_limit')) {
        const text = get(fields, 'credit_limit');
        creditLimit = text
          ? (issues.capture(line, 'credit_limit', () => parseAmount(text, currency)) ?? null)
          : null;
        if (creditLimit !== null && creditLimit < 0n) {
          issues.add(line, 'credit_limit', 'must not be negative');
          continue;
        }
      }
      let customerType = prior?.customer_type ?? 'business';
      if (columns.has('customer_type') && get(fields, 'customer_type')) {
        const t = get(fields, 'customer_type').toLowerCase();
        if (t !== 'business' && t !== 'consumer') {
          issues.add(
            line,
            'customer_type',
            `must be "business" or "consumer", not "${get(fields, 'customer_type')}"`,
          );
          continue;
        }
        customerType = t;
      }
      const email = get(fields, 'email');
      if (email && !EMAIL.test(email)) {
        issues.add(line, 'email', `"${email}" is not an email address`);
        continue;
      }
      if (
        prior &&
        (prior.entity_id !== entityRow.id || prior.currency !== currency) &&
        withActivity.has(prior.id)
      ) {
        issues.add(
          line,
          prior.entity_id !== entityRow.id ? 'entity' : 'currency',
          `customer ${p.accountNumber} already has items or receipts; its entity and currency cannot change`,
        );
        continue;
      }
      const optional = (name: string, current: string | null | undefined): string | null =>
        columns.has(name) ? get(fields, name) || null : (current ?? null);
      const row: CustomerRow = {
        tenant_id: tenantId,
        id: prior?.id ?? newId('customer'),
        account_number: p.accountNumber,
        name: get(fields, 'name'),
        entity_id: entityRow.id,
        currency,
        parent_id: prior?.parent_id ?? null,
        terms,
        credit_limit_minor: creditLimit,
        customer_type: customerType,
        segment: optional('segment', prior?.segment),
        collector: optional('collector', prior?.collector),
        address_line1: optional('address_line1', prior?.address_line1),
        address_line2: optional('address_line2', prior?.address_line2),
        city: optional('city', prior?.city),
        region: optional('region', prior?.region),
        postal_code: optional('postal_code', prior?.postal_code),
        country: optional('country', prior?.country),
        time_zone: optional('time_zone', prior?.time_zone),
        language: optional('language', prior?.language),
      };
      if (row.time_zone !== null && !isTimeZone(row.time_zone))
        issues.add(line, 'time_zone', `"${row.time_zone}" is not an IANA time zone (e.g. America/Chicago)`);
      if (row.language !== null && !LANGUAGE.test(row.language))
        issues.add(line, 'language', `"${row.language}" is not a language tag (e.g. en, es, fr-CA)`);
      if (prior) {
        const before: Partial<CustomerRow> = {};
        const after: Partial<CustomerRow> = {};
        for (const key of UPDATABLE as (keyof CustomerRow)[]) {
          if (prior[key] !== row[key]) {
            (before as Record<string, unknown>)[key] = prior[key];
            (after as Record<string, unknown>)[key] = row[key];
          }
        }
        if (Object.keys(after).length > 0) {
          audits.push({ id: row.id, before, after });
          updated++;
        }
      } else {
        created++;
      }
      out.push(row);
      if (columns.has('email') || columns.has('phone')) {
        contacts.push({ customer: row.id, email: email || null, phone: get(fields, 'phone') || null });
      }
      if (columns.has('bank_accounts')) {
        const parsed = parseBankAccountList(get(fields, 'bank_accounts'));
        for (const problem of parsed.problems) issues.add(line, 'bank_accounts', problem);
        bankAccounts.push({ customer: row.id, accounts: parsed.accounts });
      }
    }
    if (issues.count > 0) return; // nothing will be kept; keep checking rows only
    await insertMany(
      tx,
      'customers',
      COLUMNS,
      out.map((r) => COLUMNS.map((c) => r[c.name as keyof CustomerRow])),
      { onConflict: ON_CONFLICT },
    );
    await recordAudit(
      tx,
      tenantId,
      audits.map((a) => ({
        actor: ctx.actor,
        action: 'customer.updated',
        objectType: 'customer',
        objectId: a.id,
        before: a.before,
        after: a.after,
      })),
    );
  }

  for await (const row of args.rows as AsyncIterable<TableRow>) {
    rowCount++;
    const { line, fields } = row;
    const accountNumber = get(fields, 'account_number');
    if (!accountNumber) {
      issues.add(line, 'account_number', 'is required');
      continue;
    }
    if (!get(fields, 'name')) {
      issues.add(line, 'name', 'is required');
      continue;
    }
    const first = seen.get(accountNumber);
    if (first !== undefined) {
      issues.add(
        line,
        'account_number',
        `"${accountNumber}" appears twice in the file (first on line ${first})`,
      );
      continue;
    }
    seen.set(accountNumber, line);
    if (columns.has('parent_account_number')) {
      const parent = get(fields, 'parent_account_number');
      if (parent === accountNumber) {
        issues.add(line, 'parent_account_number', 'a customer cannot be its own parent');
        continue;
      }
      parentLinks.push({ line, child: accountNumber, parent });
    }
    pending.push({ line, accountNumber, fields });
    if (pending.length >= CHUNK) await flush();
  }
  await flush();
  if (issues.count === 0) await replaceBankAccounts(tx, tenantId, bankAccounts);
  if (issues.count === 0) await upsertPayablesContacts(args, contacts);
  if (issues.count === 0) await linkParents(args, parentLinks);
  return { rows: rowCount, summary: { created, updated } };
}

/** The file's email and phone are the customer's accounts-payable contact; absent columns keep theirs. */
async function upsertPayablesContacts(
  args: ImportHandlerArgs,
  list: { customer: string; email: string | null; phone: string | null }[],
): Promise<void> {
  if (list.length === 0) return;
  const keep = (col: string) => (args.columns.has(col) ? `excluded.${col}` : `contacts.${col}`);
  for (let i = 0; i < list.length; i += 5000) {
    const part = list.slice(i, i + 5000);
    await sql`insert into contacts (tenant_id, id, customer_id, role, email, phone)
      select ${args.ctx.tenantId}, v.id, v.customer_id, 'accounts_payable', v.email, v.phone
      from unnest(${part.map(() => newId('contact'))}::text[], ${part.map((c) => c.customer)}::text[],
        ${part.map((c) => c.email)}::text[], ${part.map((c) => c.phone)}::text[]) as v(id, customer_id, email, phone)
      on conflict (tenant_id, customer_id, role) do update set
        email = ${sql.raw(keep('email'))}, phone = ${sql.raw(keep('phone'))}, updated_at = now()`.execute(
      args.tx,
    );
  }
}

async function customersWithActivity(ex: Executor, tenantId: number, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const r = await sql<{ customer_id: string }>`
    select distinct customer_id from items where tenant_id = ${tenantId} and customer_id = any(${ids}::text[])
    union
    select distinct customer_id from receipts where tenant_id = ${tenantId} and customer_id = any(${ids}::text[])`.execute(
    ex,
  );
  return new Set(r.rows.map((x) => x.customer_id));
}

async function replaceBankAccounts(
  ex: Executor,
  tenantId: number,
  list: { customer: string; accounts: string[] }[],
): Promise<void> {
  if (list.length === 0) return;
  const ids = list.map((l) => l.customer);
  for (let i = 0; i < ids.length; i += 5000) {
    await sql`delete from customer_bank_accounts where tenant_id = ${tenantId} and customer_id = any(${ids.slice(i, i + 5000)}::text[])`.execute(
      ex,
    );
  }
  const rows = list.flatMap((l) => l.accounts.map((a) => [tenantId, l.customer, a]));
  await insertMany(
    ex,
    'customer_bank_accounts',
    [
      { name: 'tenant_id', type: 'integer' },
      { name: 'customer_id', type: 'text' },
      { name: 'account', type: 'text' },
    ],
    rows,
    { onConflict: 'on conflict do nothing' },
  );
}

/** Sets parents once every row exists (a parent may come later in the file), then refuses cycles. */
async function linkParents(
  args: ImportHandlerArgs,
  links: { line: number; child: string; parent: string }[],
): Promise<void> {
  if (links.length === 0) return;
  const { tx, ctx, issues } = args;
  const tenantId = ctx.tenantId;
  const refs = await findCustomersByNumbers(
    tx,
    tenantId,
    links.map((l) => l.parent).filter((p) => p !== ''),
  );
  const found = new Map([...refs].map(([n, c]) => [n, c.id]));
  for (const l of links) {
    if (l.parent && !found.has(l.parent)) {
      issues.add(
        l.line,
        'parent_account_number',
        `parent "${l.parent}" is neither in this file nor already imported`,
      );
    }
  }
  if (issues.count > 0) return;
  for (let i = 0; i < links.length; i += 5000) {
    const part = links.slice(i, i + 5000);
    await sql`update customers c set parent_id = v.parent_id, updated_at = now()
      from unnest(${part.map((l) => l.child)}::text[], ${part.map((l) => (l.parent ? (found.get(l.parent) ?? null) : null))}::text[]) as v(account_number, parent_id)
      where c.tenant_id = ${tenantId} and c.account_number = v.account_number
        and c.parent_id is distinct from v.parent_id`.execute(tx);
  }
  // Walk up from every changed customer; meeting it again means a cycle.
  const all = await tx
    .selectFrom('customers')
    .select(['id', 'parent_id', 'account_number'])
    .where('tenant_id', '=', tenantId)
    .where('parent_id', 'is not', null)
    .execute();
  const parentOf = new Map(all.map((r) => [r.id, r.parent_id]));
  const idOf = new Map(all.map((r) => [r.account_number, r.id]));
  for (const l of links) {
    const start = idOf.get(l.child);
    if (!start) continue;
    let at = parentOf.get(start) ?? null;
    for (let depth = 0; at !== null && depth <= parentOf.size; depth++) {
      if (at === start) {
        issues.add(
          l.line,
          'parent_account_number',
          `making "${l.parent}" the parent of "${l.child}" creates a cycle`,
        );
        break;
      }
      at = parentOf.get(at) ?? null;
    }
  }
}
