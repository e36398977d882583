import type { ColumnType, Generated } from 'kysely';

/** Row types of the dunning migration (06), for Kysely; joined into `DB` in schema.ts. */
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type DateCol = string;
type Json<T> = ColumnType<T, string, string>;

export type DunningChannel = 'email' | 'letter' | 'call_task';
export type LetterKind = 'reminder_letter' | 'demand_letter' | 'final_notice';
export type DocumentKind = LetterKind | 'statement';
export type Recommendation = 'credit_hold' | 'agency_placement';
export type RiskClass = 'low' | 'medium' | 'high';
export type DunningMessageStatus = 'queued' | 'sent' | 'failed' | 'to_print' | 'task_created';
export type EmailStatus = 'pending' | 'sending' | 'sent' | 'failed' | 'cancelled';
export type JobStatus = 'queued' | 'running' | 'done' | 'failed';

export interface DunningStrategiesTable {
  tenant_id: number;
  id: string;
  name: string;
  priority: ColumnType<number, number | undefined, number>;
  segments: string[] | null;
  customer_types: string[] | null;
  risk_classes: string[] | null;
  min_days_between_notices: ColumnType<number, number | undefined, number>;
  active: ColumnType<boolean, boolean | undefined, boolean>;
  is_default: ColumnType<boolean, boolean | undefined, boolean>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface DunningStepsTable {
  tenant_id: number;
  id: string;
  strategy_id: string;
  day_offset: number;
  channel: DunningChannel;
  template_code: string | null;
  letter_kind: LetterKind | null;
  recommendation: Recommendation | null;
  to_roles: ColumnType<string[], string[] | undefined, string[]>;
  cc_roles: ColumnType<string[], string[] | undefined, string[]>;
}

export interface DunningTemplatesTable {
  tenant_id: number;
  code: string;
  language: string;
  subject: string;
  body: string;
  updated_at: Timestamp;
}

export interface DunningMessagesTable {
  tenant_id: number;
  id: string;
  customer_id: string;
  run_date: DateCol;
  kind: 'notice' | 'call_task';
  strategy_id: string;
  step_id: string;
  day_offset: number;
  channel: DunningChannel;
  language: string;
  delivery: 'email' | 'print' | 'task';
  status: DunningMessageStatus;
  item_ids: string[];
  totals: Json<{ currency: string; totalDue: string }[]>;
  document_id: string | null;
  email_id: string | null;
  activity_id: string | null;
  created_by: string;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface DunningLedgerTable {
  tenant_id: number;
  customer_id: string;
  item_id: string;
  step_id: string;
  strategy_id: string;
  day_offset: number;
  run_date: DateCol;
  message_id: string | null;
  created_at: Timestamp;
}

export interface DocumentsTable {
  tenant_id: number;
  id: string;
  customer_id: string;
  kind: DocumentKind;
  title: string;
  language: string;
  as_of: DateCol;
  content_type: ColumnType<string, string | undefined, never>;
  content: Uint8Array;
  sha256: string;
  size_bytes: number;
  dedupe_key: string;
  message_id: string | null;
  created_by: string;
  created_at: Timestamp;
}

export interface EmailOutboxTable {
  tenant_id: number;
  id: string;
  customer_id: string | null;
  purpose: 'dunning' | 'statement';
  message_id: string | null;
  to_addresses: string[];
  cc_addresses: ColumnType<string[], string[] | undefined, string[]>;
  subject: string;
  body_text: string;
  document_ids: ColumnType<string[], string[] | undefined, string[]>;
  window_time_zone: string | null;
  status: ColumnType<EmailStatus, EmailStatus | undefined, EmailStatus>;
  attempts: ColumnType<number, number | undefined, number>;
  max_attempts: ColumnType<number, number | undefined, number>;
  next_attempt_at: Timestamp;
  last_attempt_at: Date | null;
  last_error: string | null;
  sent_at: Date | null;
  smtp_message_id: string | null;
  created_by: string;
  created_at: Timestamp;
}

export interface JobsTable {
  tenant_id: number;
  id: string;
  kind: string;
  run_date: DateCol;
  payload: ColumnType<Record<string, unknown>, string | undefined, string>;
  status: ColumnType<JobStatus, JobStatus | undefined, JobStatus>;
  attempts: ColumnType<number, number | undefined, number>;
  max_attempts: ColumnType<number, number | undefined, number>;
  next_attempt_at: Timestamp;
  locked_until: Date | null;
  locked_by: string | null;
  last_error: string | null;
  result: ColumnType<Record<string, unknown> | null, string | null | undefined, string | null>;
  started_at: Date | null;
  finished_at: Date | null;
  created_by: string;
  created_at: Generated<Date>;
}

export interface JobSchedulesTable {
  tenant_id: number;
  kind: string;
  enabled: ColumnType<boolean, boolean | undefined, boolean>;
  updated_by: string;
  updated_at: Timestamp;
}

export interface StatementSchedulesTable {
  tenant_id: number;
  customer_id: string;
  frequency: 'monthly' | 'weekly';
  day: number;
  next_run_date: DateCol;
  last_run_date: DateCol | null;
  active: ColumnType<boolean, boolean | undefined, boolean>;
  created_by: string;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface DunningTables {
  dunning_strategies: DunningStrategiesTable;
  dunning_steps: DunningStepsTable;
  dunning_templates: DunningTemplatesTable;
  dunning_messages: DunningMessagesTable;
  dunning_ledger: DunningLedgerTable;
  documents: DocumentsTable;
  email_outbox: EmailOutboxTable;
  jobs: JobsTable;
  job_schedules: JobSchedulesTable;
  statement_schedules: StatementSchedulesTable;
}
