/**
 * Collections (issue 6): what analysts do with an account — activities and tasks, promises to pay,
 * payment plans with their instalments, disputes and deductions, credit holds — and what the rules of
 * contact need to know about a customer (time zone, language). Dunning, documents, email, jobs,
 * agencies and experiments come in the next migrations.
 *
 * Frozen in time (see the foundation migration). Every table leads its keys with `tenant_id` and has
 * row-level security like every other (migration 04).
 */
export const collections = `
-- Consumer contact windows are in the debtor's local time (Regulation F); letters in their language.
alter table customers add column time_zone text;
alter table customers add column language text;

-- Calls, emails, letters, notes, tasks, escalations: the account's history, newest first.
create table collection_activities (
  tenant_id integer not null,
  id text not null,
  customer_id text not null,
  kind text not null check (kind in ('call', 'email', 'letter', 'note', 'task', 'escalation', 'credit_hold',
    'credit_release', 'promise', 'plan', 'dispute', 'settlement', 'agency_placement', 'agency_recall', 'statement')),
  -- A call's or email's result: reached, left_message, no_answer, wrong_number, promise, refused, dispute, …
  outcome_code text,
  -- For a call: whether it reached the debtor in person (a conversation, Regulation F's 7-day rule).
  conversation boolean not null default false,
  contact_name text,
  notes text,
  occurred_at timestamptz not null,
  -- Tasks: when due, whose, and whether done.
  due_date date,
  assigned_to text,
  status text not null default 'done' check (status in ('open', 'done', 'cancelled')),
  -- The promise, plan, dispute, hold or document this activity is about.
  related_id text,
  item_ids text[],
  created_by text not null,
  created_at timestamptz not null default now(),
  primary key (tenant_id, id),
  foreign key (tenant_id, customer_id) references customers (tenant_id, id)
);
create index collection_activities_customer on collection_activities (tenant_id, customer_id, occurred_at desc);
create index collection_activities_open_tasks on collection_activities (tenant_id, assigned_to, due_date)
  where kind = 'task' and status = 'open';

-- A promise to pay an amount by a date; kept or broken is decided from the cash applied meanwhile.
create table promises (
  tenant_id integer not null,
  id text not null,
  customer_id text not null,
  currency char(3) not null,
  amount_minor bigint not null check (amount_minor > 0),
  promised_date date not null,
  -- The items the promise covers (empty: the account as a whole).
  item_ids text[] not null default '{}',
  status text not null default 'open' check (status in ('open', 'kept', 'broken', 'cancelled')),
  -- Cash received against it since it was made.
  paid_minor bigint not null default 0 check (paid_minor >= 0),
  made_on date not null,
  resolved_on date,
  created_by text not null,
  created_at timestamptz not null default now(),
  primary key (tenant_id, id),
  foreign key (tenant_id, customer_id) references customers (tenant_id, id)
);
create index promises_open on promises (tenant_id, promised_date) where status = 'open';
create index promises_customer on promises (tenant_id, customer_id, made_on);

-- A payment plan: instalments over time for a set of items; broken when an instalment is missed
-- beyond the grace days.
create table payment_plans (
  tenant_id integer not null,
  id text not null,
  customer_id text not null,
  currency char(3) not null,
  total_minor bigint not null check (total_minor > 0),
  item_ids text[] not null default '{}',
  grace_days integer not null default 5 check (grace_days >= 0),
  status text not null default 'active' check (status in ('active', 'completed', 'broken', 'cancelled')),
  starts_on date not null,
  ended_on date,
  created_by text not null,
  created_at timestamptz not null default now(),
  primary key (tenant_id, id),
  foreign key (tenant_id, customer_id) references customers (tenant_id, id)
);
create index payment_plans_customer on payment_plans (tenant_id, customer_id);
create index payment_plans_active on payment_plans (tenant_id, status) where status = 'active';

create table plan_instalments (
  tenant_id integer not null,
  plan_id text not null,
  seq integer not null check (seq > 0),
  due_date date not null,
  amount_minor bigint not null check (amount_minor > 0),
  paid_minor bigint not null default 0 check (paid_minor >= 0),
  status text not null default 'due' check (status in ('due', 'paid', 'missed')),
  primary key (tenant_id, plan_id, seq),
  foreign key (tenant_id, plan_id) references payment_plans (tenant_id, id)
);

-- Disputes and deductions: what is contested, why, who owns it, how it ended.
create table disputes (
  tenant_id integer not null,
  id text not null,
  customer_id text not null,
  -- The contested item (an invoice, or a deduction item made by cash application); null: the account.
  item_id text,
  currency char(3) not null,
  amount_minor bigint not null check (amount_minor > 0),
  reason_code text not null,
  owner text,
  status text not null default 'open' check (status in ('open', 'investigating', 'resolved', 'cancelled')),
  root_cause text,
  resolution text check (resolution in ('credit_memo', 'rebill', 'collect', 'write_off')),
  -- The approval request of a credit memo or write-off that resolves it.
  approval_id text,
  opened_on date not null,
  resolved_on date,
  notes text,
  created_by text not null,
  created_at timestamptz not null default now(),
  primary key (tenant_id, id),
  foreign key (tenant_id, customer_id) references customers (tenant_id, id),
  foreign key (tenant_id, item_id) references items (tenant_id, id)
);
create index disputes_customer on disputes (tenant_id, customer_id, status);
create index disputes_open on disputes (tenant_id, owner) where status in ('open', 'investigating');

-- Credit holds: on with a reason, off with a reason. At most one hold in force per customer.
create table credit_holds (
  tenant_id integer not null,
  id text not null,
  customer_id text not null,
  reason text not null,
  placed_by text not null,
  placed_at timestamptz not null,
  released_by text,
  released_at timestamptz,
  release_reason text,
  primary key (tenant_id, id),
  foreign key (tenant_id, customer_id) references customers (tenant_id, id)
);
create unique index credit_holds_in_force on credit_holds (tenant_id, customer_id) where released_at is null;

select arbor_enable_tenant_rls('collection_activities');
select arbor_enable_tenant_rls('promises');
select arbor_enable_tenant_rls('payment_plans');
select arbor_enable_tenant_rls('plan_instalments');
select arbor_enable_tenant_rls('disputes');
select arbor_enable_tenant_rls('credit_holds');
`;
