/**
 * Dunning, documents, the email outbox and the job queue (issue 6; docs/dunning.md).
 *
 * - Strategies (chosen per customer by priority over segment, customer type and risk class) with
 *   their steps (days relative to the due date, channel, template, recipients by role, a
 *   recommendation) and the templates per language.
 * - The dunning ledger: which strategy step each open item has been dunned at, keyed by (tenant,
 *   customer, item, step), so a rerun never sends twice; and the messages a run made (one notice and
 *   one call task at most per customer and run date).
 * - Documents (letters, statements) kept as sent: the PDF bytes and their SHA-256, never changed.
 * - The email outbox: written in the transaction that decides to send, delivered by the job worker
 *   over SMTP with retries and backoff, each attempt's outcome recorded.
 * - Jobs: PostgreSQL-backed, one per (tenant, kind, run date); statement schedules per customer.
 *
 * Frozen in time (see the foundation migration). Every table leads its keys with `tenant_id` and has
 * row-level security like every other (migration 04).
 */
export const dunning = `
create table dunning_strategies (
  tenant_id integer not null references tenants (id),
  id text not null,
  name text not null check (name <> ''),
  -- Lower first: the first active strategy whose conditions all match a customer is its strategy.
  priority integer not null default 100,
  -- Conditions; null matches any value.
  segments text[],
  customer_types text[] check (customer_types <@ array['business', 'consumer']::text[]),
  risk_classes text[] check (risk_classes <@ array['low', 'medium', 'high']::text[]),
  -- At least this many days between two notices (emails or letters) to one customer.
  min_days_between_notices integer not null default 0 check (min_days_between_notices between 0 and 365),
  active boolean not null default true,
  -- The strategy of customers no other matches; seeded for each tenant on first use.
  is_default boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, id),
  unique (tenant_id, name)
);
create unique index dunning_strategies_default on dunning_strategies (tenant_id) where is_default;

create table dunning_steps (
  tenant_id integer not null,
  id text not null,
  strategy_id text not null,
  -- Days relative to an item's due date: -5 is five days before it, 30 is thirty days past it.
  day_offset integer not null check (day_offset between -365 and 3650),
  channel text not null check (channel in ('email', 'letter', 'call_task')),
  -- Emails and letters say what their template says (dunning_templates.code).
  template_code text,
  -- The kind of document a letter is kept as.
  letter_kind text check (letter_kind in ('reminder_letter', 'demand_letter', 'final_notice')),
  -- An open escalation task for the collector: recommend a credit hold, or placement with an agency.
  recommendation text check (recommendation in ('credit_hold', 'agency_placement')),
  -- Recipients by role: contact:ROLE (the customer's contacts, e.g. contact:accounts_payable) and
  -- party:ROLE (third parties related with that role: payer, notice, statement, dispute_contact).
  to_roles text[] not null default '{contact:accounts_payable}',
  cc_roles text[] not null default '{}',
  primary key (tenant_id, id),
  unique (tenant_id, strategy_id, day_offset),
  foreign key (tenant_id, strategy_id) references dunning_strategies (tenant_id, id) on delete cascade,
  check (channel = 'call_task' or template_code is not null),
  check (channel <> 'letter' or letter_kind is not null)
);

create table dunning_templates (
  tenant_id integer not null references tenants (id),
  code text not null check (code ~ '^[a-z0-9_]{1,64}$'),
  -- BCP 47 language tag (en, es, es-MX); a customer without a template in its language gets en.
  language text not null check (language ~ '^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$'),
  subject text not null,
  -- Text with merge fields ({{customer.name}}, {{total_due}}, {{items}}, …); blank lines part paragraphs.
  body text not null,
  updated_at timestamptz not null default now(),
  primary key (tenant_id, code, language)
);

-- What a run decided for one customer: a notice (email or letter) or a call task. At most one of
-- each per customer and run date, whatever happens to reruns.
create table dunning_messages (
  tenant_id integer not null,
  id text not null,
  customer_id text not null,
  run_date date not null,
  kind text not null check (kind in ('notice', 'call_task')),
  strategy_id text not null,
  step_id text not null,
  day_offset integer not null,
  channel text not null check (channel in ('email', 'letter', 'call_task')),
  language text not null,
  -- How it leaves: by email (outbox), on paper (printed and posted by the team), or as a task.
  delivery text not null check (delivery in ('email', 'print', 'task')),
  status text not null check (status in ('queued', 'sent', 'failed', 'to_print', 'task_created')),
  -- The items this step was taken for (every open item is listed in the notice itself).
  item_ids text[] not null,
  -- Total due per currency when it was made: [{"currency": "USD", "totalDue": "1234.56"}].
  totals jsonb not null,
  document_id text,
  email_id text,
  activity_id text,
  created_by text not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, id),
  unique (tenant_id, customer_id, run_date, kind),
  foreign key (tenant_id, customer_id) references customers (tenant_id, id)
);
create index dunning_messages_customer on dunning_messages (tenant_id, customer_id, created_at desc);

-- The dunning ledger: each open item's steps already taken. A step is taken once per item, ever.
create table dunning_ledger (
  tenant_id integer not null,
  customer_id text not null,
  item_id text not null,
  step_id text not null,
  strategy_id text not null,
  day_offset integer not null,
  run_date date not null,
  -- The notice or call task that carried it; null when the step only raised a recommendation.
  message_id text,
  created_at timestamptz not null default now(),
  -- Read by customer (a run's batch); a first run writes a row per open item, so no other index.
  primary key (tenant_id, customer_id, item_id, step_id)
);

-- Documents as sent (letters, statements): every document sent can be shown again, byte for byte.
create table documents (
  tenant_id integer not null references tenants (id),
  id text not null,
  customer_id text not null,
  kind text not null check (kind in ('reminder_letter', 'demand_letter', 'final_notice', 'statement')),
  title text not null,
  language text not null,
  as_of date not null,
  content_type text not null default 'application/pdf',
  content bytea not null,
  sha256 text not null check (sha256 ~ '^[0-9a-f]{64}$'),
  size_bytes integer not null check (size_bytes > 0),
  -- What the document is for, unique: a rerun finds it instead of making another.
  dedupe_key text not null,
  message_id text,
  created_by text not null,
  created_at timestamptz not null default now(),
  primary key (tenant_id, id),
  unique (tenant_id, dedupe_key),
  foreign key (tenant_id, customer_id) references customers (tenant_id, id)
);
create index documents_customer on documents (tenant_id, customer_id, created_at desc);
create trigger documents_append_only before update or delete on documents
  for each row execute function arbor_forbid_change();
create trigger documents_no_truncate before truncate on documents
  for each statement execute function arbor_forbid_change();

-- Email leaves the process only from here (STYLE.md): the row is written in the deciding
-- transaction; the worker sends it later over SMTP. 'sending' is a lease: a worker that dies leaves
-- the row to be taken again when next_attempt_at passes.
create table email_outbox (
  tenant_id integer not null references tenants (id),
  id text not null,
  customer_id text,
  purpose text not null check (purpose in ('dunning', 'statement')),
  message_id text,
  to_addresses text[] not null check (cardinality(to_addresses) > 0),
  cc_addresses text[] not null default '{}',
  subject text not null,
  body_text text not null,
  -- Attached PDFs (documents.id).
  document_ids text[] not null default '{}',
  -- Consumer accounts: sent only between 08:00 and 21:00 in this time zone (Regulation F).
  window_time_zone text,
  status text not null default 'pending' check (status in ('pending', 'sending', 'sent', 'failed', 'cancelled')),
  attempts integer not null default 0 check (attempts >= 0),
  max_attempts integer not null default 8 check (max_attempts > 0),
  next_attempt_at timestamptz not null,
  last_attempt_at timestamptz,
  last_error text,
  sent_at timestamptz,
  smtp_message_id text,
  created_by text not null,
  created_at timestamptz not null default now(),
  primary key (tenant_id, id)
);
create index email_outbox_due on email_outbox (tenant_id, next_attempt_at) where status in ('pending', 'sending');
create index email_outbox_customer on email_outbox (tenant_id, customer_id, created_at desc);

-- Scheduled work: one job per tenant, kind and run date; retried with backoff, leased while running.
create table jobs (
  tenant_id integer not null references tenants (id),
  id text not null,
  kind text not null check (kind ~ '^[a-z][a-z_.]{0,63}$'),
  run_date date not null,
  payload jsonb not null default '{}',
  status text not null default 'queued' check (status in ('queued', 'running', 'done', 'failed')),
  attempts integer not null default 0 check (attempts >= 0),
  max_attempts integer not null default 5 check (max_attempts > 0),
  next_attempt_at timestamptz not null default now(),
  locked_until timestamptz,
  locked_by text,
  last_error text,
  result jsonb,
  started_at timestamptz,
  finished_at timestamptz,
  created_by text not null,
  created_at timestamptz not null default now(),
  primary key (tenant_id, id),
  unique (tenant_id, kind, run_date)
);
create index jobs_due on jobs (tenant_id, next_attempt_at) where status in ('queued', 'running');

-- Kinds of job the worker makes every day for a tenant (arbor dunning schedule --daily).
create table job_schedules (
  tenant_id integer not null references tenants (id),
  kind text not null check (kind ~ '^[a-z][a-z_.]{0,63}$'),
  enabled boolean not null default true,
  updated_by text not null,
  updated_at timestamptz not null default now(),
  primary key (tenant_id, kind)
);

-- Statements sent on a schedule: monthly on a day of the month (31: the last day), or weekly on an
-- ISO weekday (1 Monday … 7 Sunday).
create table statement_schedules (
  tenant_id integer not null,
  customer_id text not null,
  frequency text not null check (frequency in ('monthly', 'weekly')),
  day integer not null,
  next_run_date date not null,
  last_run_date date,
  active boolean not null default true,
  created_by text not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, customer_id),
  foreign key (tenant_id, customer_id) references customers (tenant_id, id),
  check ((frequency = 'monthly' and day between 1 and 31) or (frequency = 'weekly' and day between 1 and 7))
);
create index statement_schedules_due on statement_schedules (tenant_id, next_run_date) where active;

select arbor_enable_tenant_rls('dunning_strategies');
select arbor_enable_tenant_rls('dunning_steps');
select arbor_enable_tenant_rls('dunning_templates');
select arbor_enable_tenant_rls('dunning_messages');
select arbor_enable_tenant_rls('dunning_ledger');
select arbor_enable_tenant_rls('documents');
select arbor_enable_tenant_rls('email_outbox');
select arbor_enable_tenant_rls('jobs');
select arbor_enable_tenant_rls('job_schedules');
select arbor_enable_tenant_rls('statement_schedules');
`;
