/**
 * Bank files: the company's own bank accounts, the statements and transactions read from bank files,
 * and what became of each transaction (a receipt, the return of a receipt, a duplicate, or a bank
 * item that is not AR's). Receipts learn the bank's identifiers and can be returned.
 *
 * Frozen in time (see the foundation migration). Every table leads its keys with `tenant_id`.
 */
export const bankFiles = `
create table bank_accounts (
  tenant_id integer not null,
  id text not null,
  entity_id text not null,
  -- The account as the bank's files name it (IBAN, number, lockbox number), spaces removed, upper case.
  account text not null check (account <> ''),
  currency char(3) not null,
  name text,
  created_at timestamptz not null default now(),
  primary key (tenant_id, id),
  unique (tenant_id, account, currency),
  foreign key (tenant_id, entity_id) references entities (tenant_id, id)
);

-- Column mappings of bank CSV exports, saved by name (spec: "bank CSV exports through a saved column
-- mapping"); the JSON is the mapping file's, checked when saved.
create table bank_csv_mappings (
  tenant_id integer not null,
  name text not null check (name <> ''),
  mapping jsonb not null,
  created_at timestamptz not null default now(),
  created_by text not null,
  primary key (tenant_id, name)
);

create table bank_statements (
  tenant_id integer not null,
  id text not null,
  import_id text not null,
  bank_account_id text not null,
  format text not null,
  sequence integer not null,
  currency char(3) not null,
  opening_minor bigint,
  closing_minor bigint,
  first_date date,
  last_date date,
  entry_count integer not null,
  created_at timestamptz not null default now(),
  primary key (tenant_id, id),
  foreign key (tenant_id, import_id) references imports (tenant_id, id),
  foreign key (tenant_id, bank_account_id) references bank_accounts (tenant_id, id)
);
create index bank_statements_account on bank_statements (tenant_id, bank_account_id, last_date);

-- One row per transaction read from a bank file. disposition: receipt (a credit booked as a receipt),
-- return (money taken back: a receipt returned, or one not yet identified when receipt_id is null),
-- duplicate (already read from an earlier file), other (not an AR transaction: fees, payouts, zero
-- entries, notifications of change).
create table bank_transactions (
  tenant_id integer not null,
  id text not null,
  statement_id text not null,
  bank_account_id text not null,
  import_id text not null,
  line integer,
  booking_date date not null,
  value_date date,
  direction text not null check (direction in ('credit', 'debit')),
  amount_minor bigint not null check (amount_minor >= 0),
  currency char(3) not null,
  reference text,
  type_code text,
  counterparty_name text,
  counterparty_account text,
  end_to_end_id text,
  check_number text,
  customer_reference text,
  remittance_text text,
  return_reason text,
  reversal boolean not null default false,
  disposition text not null check (disposition in ('receipt', 'return', 'duplicate', 'other')),
  receipt_id text,
  note text,
  created_at timestamptz not null default now(),
  primary key (tenant_id, id),
  foreign key (tenant_id, statement_id) references bank_statements (tenant_id, id),
  foreign key (tenant_id, receipt_id) references receipts (tenant_id, id)
);
create index bank_transactions_reference on bank_transactions (tenant_id, bank_account_id, reference);
create index bank_transactions_date on bank_transactions (tenant_id, bank_account_id, booking_date);
create index bank_transactions_receipt on bank_transactions (tenant_id, receipt_id) where receipt_id is not null;

alter table receipts add column bank_account_id text;
alter table receipts add column value_date date;
alter table receipts add column end_to_end_id text;
alter table receipts add column check_number text;
alter table receipts add column bank_type_code text;
-- Money the bank took back (an ACH return, a returned check): the receipt keeps its amount, and
-- returned_minor says how much of it is gone; its applications were reversed first.
alter table receipts add column returned_minor bigint not null default 0;
alter table receipts add column returned_on date;
alter table receipts add column return_reason text;
alter table receipts drop constraint receipts_check;
alter table receipts add constraint receipts_amounts_within check (
  returned_minor between 0 and amount_minor and unapplied_minor between 0 and amount_minor - returned_minor);
alter table receipts add constraint receipts_bank_account
  foreign key (tenant_id, bank_account_id) references bank_accounts (tenant_id, id);
create index receipts_end_to_end on receipts (tenant_id, end_to_end_id) where end_to_end_id is not null;
`;
