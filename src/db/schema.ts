import type { ColumnType, Generated } from 'kysely';
import type { AgenciesTables } from './schema-agencies.ts';
import type { DunningTables } from './schema-dunning.ts';

/**
 * Row types of today's schema, for Kysely. Migrations do not use these (they are frozen SQL).
 * bigint columns read as `bigint`, date columns as `YYYY-MM-DD` strings, numeric as decimal strings.
 */
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type DateCol = string;

export interface TenantsTable {
  id: Generated<number>;
  slug: string;
  name: string;
  settings: ColumnType<Record<string, unknown>, string | undefined, string>;
  created_at: Timestamp;
}

export interface EntitiesTable {
  tenant_id: number;
  id: string;
  code: string;
  name: string;
  currency: string;
  country: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export type GlAccountType = 'asset' | 'liability' | 'equity' | 'revenue' | 'expense';

export interface GlAccountsTable {
  tenant_id: number;
  id: string;
  entity_id: string;
  code: string;
  name: string;
  type: GlAccountType;
  role: string | null;
  created_at: Timestamp;
}

export interface LockedPeriodsTable {
  tenant_id: number;
  entity_id: string;
  period: string;
  locked_at: Timestamp;
  locked_by: string;
}

export interface ImportsTable {
  tenant_id: number;
  id: string;
  kind: string;
  file_name: string;
  content_hash: string;
  row_count: number;
  summary: ColumnType<Record<string, unknown>, string | undefined, string>;
  created_at: Timestamp;
  created_by: string;
}

export interface NumberSequencesTable {
  tenant_id: number;
  name: string;
  next_value: ColumnType<bigint, bigint | undefined, bigint>;
}

export interface JournalEntriesTable {
  tenant_id: number;
  id: string;
  entity_id: string;
  entry_date: DateCol;
  source_type: string;
  source_id: string | null;
  description: string | null;
  reversal_of: string | null;
  import_id: string | null;
  created_at: Timestamp;
  created_by: string;
}

export interface JournalLinesTable {
  tenant_id: number;
  entry_id: string;
  line_no: number;
  entity_id: string;
  account_id: string;
  entry_date: DateCol;
  currency: string;
  amount_minor: bigint;
  customer_id: string | null;
  item_id: string | null;
  receipt_id: string | null;
}

export interface CustomersTable {
  tenant_id: number;
  id: string;
  account_number: string;
  name: string;
  entity_id: string;
  currency: string;
  parent_id: string | null;
  terms: string;
  credit_limit_minor: bigint | null;
  customer_type: 'business' | 'consumer';
  segment: string | null;
  collector: string | null;
  /** IANA time zone (consumer contact windows); null: the tenant's. */
  time_zone: string | null;
  /** Language of letters and emails (BCP 47, e.g. en, es); null: the tenant's. */
  language: string | null;
  address_line1: string | null;
  address_line2: string | null;
  city: string | null;
  region: string | null;
  postal_code: string | null;
  country: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface ContactsTable {
  tenant_id: number;
  id: string;
  customer_id: string;
  role: string;
  name: string | null;
  email: string | null;
  phone: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface CustomerBankAccountsTable {
  tenant_id: number;
  customer_id: string;
  account: string;
}

export interface PartiesTable {
  tenant_id: number;
  id: string;
  party_code: string;
  name: string;
  kind: string;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface PartyRelationshipsTable {
  tenant_id: number;
  id: string;
  party_id: string;
  customer_id: string;
  roles: string[];
  email: string | null;
  phone: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface PartyBankAccountsTable {
  tenant_id: number;
  party_id: string;
  account: string;
}

export type ItemType = 'invoice' | 'debit_memo' | 'credit_memo' | 'deduction' | 'on_account';

export interface ItemsTable {
  tenant_id: number;
  id: string;
  entity_id: string;
  customer_id: string;
  type: ItemType;
  number: string;
  issue_date: DateCol;
  due_date: DateCol;
  currency: string;
  amount_minor: bigint;
  open_minor: bigint;
  terms: string | null;
  discount_percent: string | null;
  discount_until: DateCol | null;
  po_number: string | null;
  reference: string | null;
  description: string | null;
  bill_to_party_id: string | null;
  reason_code: string | null;
  origin_application_id: string | null;
  journal_entry_id: string;
  import_id: string | null;
  created_at: Timestamp;
}

export type ReceiptMethod = 'ach' | 'wire' | 'sepa' | 'check' | 'card' | 'lockbox' | 'other';

export interface ReceiptsTable {
  tenant_id: number;
  id: string;
  entity_id: string;
  reference: string;
  receipt_date: DateCol;
  currency: string;
  amount_minor: bigint;
  unapplied_minor: bigint;
  payer_name: string | null;
  payer_account: string | null;
  method: ReceiptMethod;
  memo: string | null;
  remittance_text: string | null;
  customer_id: string | null;
  source: 'history' | 'bank' | 'manual';
  journal_entry_id: string;
  import_id: string | null;
  created_at: Timestamp;
  bank_account_id: string | null;
  value_date: DateCol | null;
  end_to_end_id: string | null;
  check_number: string | null;
  bank_type_code: string | null;
  returned_minor: Generated<bigint>;
  returned_on: DateCol | null;
  return_reason: string | null;
  engine_explanation: string | null;
}

export interface BankAccountsTable {
  tenant_id: number;
  id: string;
  entity_id: string;
  account: string;
  currency: string;
  name: string | null;
  created_at: Timestamp;
}

export interface BankCsvMappingsTable {
  tenant_id: number;
  name: string;
  mapping: ColumnType<Record<string, unknown>, string, string>;
  created_at: Timestamp;
  created_by: string;
}

export interface BankStatementsTable {
  tenant_id: number;
  id: string;
  import_id: string;
  bank_account_id: string;
  format: string;
  sequence: number;
  currency: string;
  opening_minor: bigint | null;
  closing_minor: bigint | null;
  first_date: DateCol | null;
  last_date: DateCol | null;
  entry_count: number;
  created_at: Timestamp;
}

export interface RemittanceAdvicesTable {
  tenant_id: number;
  id: string;
  import_id: string;
  source_format: 'x12-820' | 'csv' | 'lockbox' | 'ach-addenda' | 'camt' | 'bank-text';
  advice_id: string | null;
  payer_name: string | null;
  payment_reference: string | null;
  payment_date: DateCol | null;
  payment_amount_minor: bigint | null;
  currency: string | null;
  line: number | null;
  receipt_id: string | null;
  linked_by: string | null;
  created_at: Timestamp;
}

export interface RemittanceLinesTable {
  tenant_id: number;
  advice_id: string;
  line_no: number;
  invoice_number: string;
  document_type: 'invoice' | 'credit_memo' | null;
  account_number: string | null;
  paid_minor: bigint;
  gross_minor: bigint | null;
  discount_minor: bigint | null;
  deduction_minor: bigint | null;
  deduction_reason: string | null;
  adjustments: ColumnType<unknown, string | null, string | null> | null;
}

export interface CashRunsTable {
  tenant_id: number;
  id: string;
  as_of: DateCol;
  engine_version: string;
  started_at: Timestamp;
  finished_at: Date | null;
  summary: ColumnType<Record<string, unknown>, string | undefined, string>;
  created_by: string;
}

export interface CashSuggestionsTable {
  tenant_id: number;
  id: string;
  run_id: string;
  receipt_id: string;
  rank: number;
  confidence: string;
  explanation: string;
  engine_version: string;
  allocation: ColumnType<unknown, string, string>;
  status: Generated<'open' | 'confirmed' | 'rejected' | 'superseded'>;
  decided_by: string | null;
  decided_at: Date | null;
  created_at: Timestamp;
}

export interface PayerLinksTable {
  tenant_id: number;
  payer_key: string;
  customer_id: string;
  source: 'history' | 'confirmed' | 'corrected' | 'rejected';
  weight: Generated<number>;
  last_seen: DateCol;
}

export interface ReasonCodeAliasesTable {
  tenant_id: number;
  alias: string;
  reason_code: string;
  source: Generated<'configured' | 'history'>;
}

export type BankTransactionDisposition = 'receipt' | 'return' | 'duplicate' | 'other';

export interface BankTransactionsTable {
  tenant_id: number;
  id: string;
  statement_id: string;
  bank_account_id: string;
  import_id: string;
  line: number | null;
  booking_date: DateCol;
  value_date: DateCol | null;
  direction: 'credit' | 'debit';
  amount_minor: bigint;
  currency: string;
  reference: string | null;
  type_code: string | null;
  counterparty_name: string | null;
  counterparty_account: string | null;
  end_to_end_id: string | null;
  check_number: string | null;
  customer_reference: string | null;
  remittance_text: string | null;
  return_reason: string | null;
  reversal: boolean;
  disposition: BankTransactionDisposition;
  receipt_id: string | null;
  note: string | null;
  created_at: Timestamp;
}

export type ApplicationKind =
  | 'invoice'
  | 'credit_memo'
  | 'discount'
  | 'deduction'
  | 'bank_fee'
  | 'fx_difference'
  | 'on_account'
  | 'write_off'
  | 'refund';

export type ApplicationStatus = 'auto' | 'confirmed' | 'manual' | 'history';

export interface ApplicationsTable {
  tenant_id: number;
  id: string;
  entity_id: string;
  journal_entry_id: string;
  receipt_id: string | null;
  customer_id: string | null;
  item_id: string | null;
  created_item_id: string | null;
  kind: ApplicationKind;
  currency: string;
  amount_minor: bigint;
  reason_code: string | null;
  status: ApplicationStatus;
  confidence: string | null;
  explanation: string | null;
  engine_version: string | null;
  applied_date: DateCol;
  reversal_of: string | null;
  created_at: Timestamp;
  created_by: string;
}

export interface AuditLogTable {
  tenant_id: number;
  id: string;
  at: Timestamp;
  actor: string;
  action: string;
  object_type: string;
  object_id: string | null;
  before: ColumnType<unknown, string | null | undefined, never>;
  after: ColumnType<unknown, string | null | undefined, never>;
  request_id: string | null;
  source: string | null;
  /** The tenant's chain (lane) the row belongs to (ADR 0014); 0 for rows written before lanes. */
  lane: ColumnType<number, number | undefined, never>;
  /** Position in the lane's hash chain (1, 2, …). */
  seq: bigint | null;
  prev_hash: string | null;
  hash: string | null;
}

export interface AuditChainTable {
  tenant_id: number;
  /** One head per lane (ADR 0014). */
  lane: ColumnType<number, number | undefined, never>;
  seq: bigint;
  hash: string;
  legacy_rows: ColumnType<bigint, bigint | undefined, bigint>;
}

export type UserRole = 'admin' | 'manager' | 'analyst' | 'cash_applier' | 'accountant' | 'auditor';

export interface UsersTable {
  tenant_id: number;
  id: string;
  username: string;
  display_name: string | null;
  role: UserRole;
  password_hash: string | null;
  status: ColumnType<'active' | 'disabled', 'active' | 'disabled' | undefined, 'active' | 'disabled'>;
  failed_logins: ColumnType<number, number | undefined, number>;
  locked_until: Date | null;
  portfolio_scoped: ColumnType<boolean, boolean | undefined, boolean>;
  approval_limit_minor: bigint | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  password_changed_at: Date | null;
}

export interface SessionsTable {
  tenant_id: number;
  id: string;
  user_id: string;
  secret_hash: string;
  csrf_hash: string;
  created_at: Timestamp;
  expires_at: Date;
  last_seen_at: Timestamp;
  revoked_at: Date | null;
  source: string | null;
}

export interface ApiTokensTable {
  tenant_id: number;
  id: string;
  user_id: string;
  name: string;
  secret_hash: string;
  scopes: string[] | null;
  created_at: Timestamp;
  expires_at: Date;
  revoked_at: Date | null;
  last_used_at: Date | null;
}

export interface IdempotencyKeysTable {
  tenant_id: number;
  user_id: string;
  key: string;
  method: string;
  path: string;
  request_hash: string;
  status_code: number | null;
  content_type: string | null;
  response_body: string | null;
  created_at: Timestamp;
}

export type ApprovalKind = 'write_off' | 'credit_memo' | 'refund' | 'settlement';
export type ApprovalStatus = 'pending' | 'approved' | 'rejected' | 'cancelled';

export interface ApprovalRequestsTable {
  tenant_id: number;
  id: string;
  kind: ApprovalKind;
  status: ColumnType<ApprovalStatus, ApprovalStatus | undefined, ApprovalStatus>;
  requested_by: string;
  requested_at: Timestamp;
  amount_minor: bigint;
  currency: string;
  customer_id: string | null;
  subject_id: string | null;
  reason: string | null;
  payload: ColumnType<unknown, string, string>;
  decided_by: string | null;
  decided_at: Date | null;
  decision_note: string | null;
  result: ColumnType<unknown, string | null | undefined, string | null>;
}

export interface CollectionActivitiesTable {
  tenant_id: number;
  id: string;
  customer_id: string;
  kind:
    | 'call'
    | 'email'
    | 'letter'
    | 'note'
    | 'task'
    | 'escalation'
    | 'credit_hold'
    | 'credit_release'
    | 'promise'
    | 'plan'
    | 'dispute'
    | 'settlement'
    | 'agency_placement'
    | 'agency_recall'
    | 'statement';
  outcome_code: string | null;
  conversation: ColumnType<boolean, boolean | undefined, boolean>;
  contact_name: string | null;
  notes: string | null;
  occurred_at: Timestamp;
  due_date: DateCol | null;
  assigned_to: string | null;
  status: ColumnType<
    'open' | 'done' | 'cancelled',
    'open' | 'done' | 'cancelled' | undefined,
    'open' | 'done' | 'cancelled'
  >;
  related_id: string | null;
  item_ids: string[] | null;
  created_by: string;
  created_at: Timestamp;
}

export type PromiseStatus = 'open' | 'kept' | 'broken' | 'cancelled';

export interface PromisesTable {
  tenant_id: number;
  id: string;
  customer_id: string;
  currency: string;
  amount_minor: bigint;
  promised_date: DateCol;
  item_ids: ColumnType<string[], string[] | undefined, string[]>;
  status: ColumnType<PromiseStatus, PromiseStatus | undefined, PromiseStatus>;
  paid_minor: ColumnType<bigint, bigint | undefined, bigint>;
  made_on: DateCol;
  resolved_on: DateCol | null;
  created_by: string;
  created_at: Timestamp;
}

export type PlanStatus = 'active' | 'completed' | 'broken' | 'cancelled';

export interface PaymentPlansTable {
  tenant_id: number;
  id: string;
  customer_id: string;
  currency: string;
  total_minor: bigint;
  item_ids: ColumnType<string[], string[] | undefined, string[]>;
  grace_days: ColumnType<number, number | undefined, number>;
  status: ColumnType<PlanStatus, PlanStatus | undefined, PlanStatus>;
  starts_on: DateCol;
  ended_on: DateCol | null;
  created_by: string;
  created_at: Timestamp;
}

export interface PlanInstalmentsTable {
  tenant_id: number;
  plan_id: string;
  seq: number;
  due_date: DateCol;
  amount_minor: bigint;
  paid_minor: ColumnType<bigint, bigint | undefined, bigint>;
  status: ColumnType<
    'due' | 'paid' | 'missed',
    'due' | 'paid' | 'missed' | undefined,
    'due' | 'paid' | 'missed'
  >;
}

export type DisputeStatus = 'open' | 'investigating' | 'resolved' | 'cancelled';

export interface DisputesTable {
  tenant_id: number;
  id: string;
  customer_id: string;
  item_id: string | null;
  currency: string;
  amount_minor: bigint;
  reason_code: string;
  owner: string | null;
  status: ColumnType<DisputeStatus, DisputeStatus | undefined, DisputeStatus>;
  root_cause: string | null;
  resolution: 'credit_memo' | 'rebill' | 'collect' | 'write_off' | null;
  approval_id: string | null;
  opened_on: DateCol;
  resolved_on: DateCol | null;
  notes: string | null;
  created_by: string;
  created_at: Timestamp;
}

export interface CreditHoldsTable {
  tenant_id: number;
  id: string;
  customer_id: string;
  reason: string;
  placed_by: string;
  placed_at: Timestamp;
  released_by: string | null;
  released_at: Date | null;
  release_reason: string | null;
}

export interface DB extends DunningTables, AgenciesTables {
  tenants: TenantsTable;
  entities: EntitiesTable;
  gl_accounts: GlAccountsTable;
  locked_periods: LockedPeriodsTable;
  imports: ImportsTable;
  number_sequences: NumberSequencesTable;
  journal_entries: JournalEntriesTable;
  journal_lines: JournalLinesTable;
  customers: CustomersTable;
  contacts: ContactsTable;
  customer_bank_accounts: CustomerBankAccountsTable;
  parties: PartiesTable;
  party_relationships: PartyRelationshipsTable;
  party_bank_accounts: PartyBankAccountsTable;
  items: ItemsTable;
  receipts: ReceiptsTable;
  bank_accounts: BankAccountsTable;
  bank_csv_mappings: BankCsvMappingsTable;
  bank_statements: BankStatementsTable;
  bank_transactions: BankTransactionsTable;
  remittance_advices: RemittanceAdvicesTable;
  remittance_lines: RemittanceLinesTable;
  cash_runs: CashRunsTable;
  cash_suggestions: CashSuggestionsTable;
  payer_links: PayerLinksTable;
  reason_code_aliases: ReasonCodeAliasesTable;
  applications: ApplicationsTable;
  audit_log: AuditLogTable;
  audit_chain: AuditChainTable;
  users: UsersTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  idempotency_keys: IdempotencyKeysTable;
  approval_requests: ApprovalRequestsTable;
  collection_activities: CollectionActivitiesTable;
  promises: PromisesTable;
  payment_plans: PaymentPlansTable;
  plan_instalments: PlanInstalmentsTable;
  disputes: DisputesTable;
  credit_holds: CreditHoldsTable;
}
