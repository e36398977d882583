/**
 * Cash application: remittance advices (what payers say they paid) and their lines, the engine's
 * suggestions and runs, and what it learns (which customers a payer pays for, payers' reason codes).
 *
 * Frozen in time (see the foundation migration). Every table leads its keys with `tenant_id`.
 */
export const cashApplication = `
create table remittance_advices (
  tenant_id integer not null,
  id text not null,
  import_id text not null,
  source_format text not null check (source_format in ('x12-820', 'csv', 'lockbox', 'ach-addenda', 'camt', 'bank-text')),
  advice_id text,
  payer_name text,
  payment_reference text,
  payment_date date,
  payment_amount_minor bigint,
  currency char(3),
  line integer,
  -- The receipt this advice explains, once linked, and how the link was made.
  receipt_id text,
  linked_by text,
  created_at timestamptz not null default now(),
  primary key (tenant_id, id),
  foreign key (tenant_id, import_id) references imports (tenant_id, id),
  foreign key (tenant_id, receipt_id) references receipts (tenant_id, id)
);
create index remittance_advices_unlinked on remittance_advices (tenant_id, currency, payment_amount_minor) where receipt_id is null;
create index remittance_advices_receipt on remittance_advices (tenant_id, receipt_id) where receipt_id is not null;
create index remittance_advices_reference on remittance_advices (tenant_id, payment_reference) where payment_reference is not null;

create table remittance_lines (
  tenant_id integer not null,
  advice_id text not null,
  line_no integer not null,
  invoice_number text not null,
  document_type text check (document_type in ('invoice', 'credit_memo')),
  account_number text,
  paid_minor bigint not null,
  gross_minor bigint,
  discount_minor bigint,
  deduction_minor bigint,
  deduction_reason text,
  adjustments jsonb,
  primary key (tenant_id, advice_id, line_no),
  foreign key (tenant_id, advice_id) references remittance_advices (tenant_id, id)
);

-- Why the engine last left a receipt unapplied (or only suggested), for the export and the workbench.
alter table receipts add column engine_explanation text;

-- A run of the matching engine, with what it did.
create table cash_runs (
  tenant_id integer not null,
  id text not null,
  as_of date not null,
  engine_version text not null,
  started_at timestamptz not null default now(),
  finished_at timestamptz,
  summary jsonb not null default '{}',
  created_by text not null,
  primary key (tenant_id, id)
);

-- Ranked suggestions for receipts the engine did not apply: each a complete allocation
-- (rows of kind, item, customer, amount, reason) with its confidence and evidence.
create table cash_suggestions (
  tenant_id integer not null,
  id text not null,
  run_id text not null,
  receipt_id text not null,
  rank integer not null check (rank between 1 and 3),
  confidence numeric(6, 5) not null,
  explanation text not null,
  engine_version text not null,
  allocation jsonb not null,
  status text not null default 'open' check (status in ('open', 'confirmed', 'rejected', 'superseded')),
  decided_by text,
  decided_at timestamptz,
  created_at timestamptz not null default now(),
  primary key (tenant_id, id),
  foreign key (tenant_id, receipt_id) references receipts (tenant_id, id),
  foreign key (tenant_id, run_id) references cash_runs (tenant_id, id)
);
create index cash_suggestions_receipt on cash_suggestions (tenant_id, receipt_id) where status = 'open';

-- What the engine has learned: a payer (by bank account or normalized name) pays for a customer.
-- source: history (imported applications), confirmed (an analyst confirmed a match), corrected (an
-- analyst applied it elsewhere), rejected (an analyst said no; weight counts against).
create table payer_links (
  tenant_id integer not null,
  payer_key text not null,
  customer_id text not null,
  source text not null check (source in ('history', 'confirmed', 'corrected', 'rejected')),
  weight integer not null default 1,
  last_seen date not null,
  primary key (tenant_id, payer_key, customer_id, source),
  foreign key (tenant_id, customer_id) references customers (tenant_id, id)
);
create index payer_links_customer on payer_links (tenant_id, customer_id);

-- A payer's own deduction code or text, mapped to the tenant's canonical reason code.
create table reason_code_aliases (
  tenant_id integer not null,
  alias text not null,
  reason_code text not null,
  source text not null default 'configured' check (source in ('configured', 'history')),
  primary key (tenant_id, alias)
);
`;
