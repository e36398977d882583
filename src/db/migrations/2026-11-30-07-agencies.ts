/**
 * Collection agencies, champion/challenger experiments and the worklist's late-payment model
 * (issue 6, items 1, 5 and 6).
 *
 * - `risk_models`: the late-payment model a tenant fitted on its own history (`arbor worklist
 *   calibrate --fit`), with the calibration table it was checked against; the worklist uses the
 *   newest, or the built-in coefficients when there is none (docs/worklist.md).
 * - `agencies`, `agency_placements` (+ the items placed), `agency_recoveries`: accounts handed to an
 *   outside agency, recalled, and the money the agency collected and remitted net of its commission
 *   (each recovery is posted as a receipt applied to the placed items: docs/worklist.md, agencies).
 * - `experiments`, `experiment_variants`, `experiment_assignments`: accounts assigned at random
 *   (seeded, stratified) to a champion and challengers; dunning reads the assignment.
 *
 * Frozen in time (see the foundation migration). Every table leads its keys with `tenant_id` and has
 * row-level security like every other (migration 04).
 */
export const agencies = `
create table risk_models (
  tenant_id integer not null,
  id text not null,
  -- The day the model was fitted for: features and labels use only facts dated on or before it.
  as_of date not null,
  version text not null,
  -- Coefficients, the portfolio prior and the settings (late after N days, horizon, prior strength).
  model jsonb not null,
  -- The check on a hold-out snapshot: reliability bins, Brier score, calibration error, sample sizes.
  calibration jsonb not null,
  created_by text not null,
  created_at timestamptz not null default now(),
  primary key (tenant_id, id)
);
create index risk_models_newest on risk_models (tenant_id, created_at desc);

create table agencies (
  tenant_id integer not null,
  id text not null,
  code text not null check (code ~ '^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$'),
  name text not null check (name <> ''),
  -- The agency's share of what it recovers (0.25 = 25 %); each placement keeps the rate it was made at.
  commission_rate numeric(7, 6) not null check (commission_rate >= 0 and commission_rate < 1),
  email text,
  phone text,
  active boolean not null default true,
  created_by text not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, id),
  unique (tenant_id, code)
);

-- One account (customer, currency) handed to an agency on a day, with the items placed.
create table agency_placements (
  tenant_id integer not null,
  id text not null,
  agency_id text not null,
  customer_id text not null,
  currency char(3) not null,
  placed_on date not null,
  -- The open amount of the items when placed.
  placed_minor bigint not null check (placed_minor > 0),
  commission_rate numeric(7, 6) not null check (commission_rate >= 0 and commission_rate < 1),
  status text not null default 'placed' check (status in ('placed', 'recalled', 'closed')),
  closed_on date,
  close_reason text,
  notes text,
  placed_by text not null,
  created_at timestamptz not null default now(),
  primary key (tenant_id, id),
  foreign key (tenant_id, agency_id) references agencies (tenant_id, id),
  foreign key (tenant_id, customer_id) references customers (tenant_id, id),
  check ((status = 'placed') = (closed_on is null))
);
create index agency_placements_agency on agency_placements (tenant_id, agency_id, placed_on);
create index agency_placements_customer on agency_placements (tenant_id, customer_id);

create table agency_placement_items (
  tenant_id integer not null,
  placement_id text not null,
  item_id text not null,
  placed_minor bigint not null check (placed_minor > 0),
  -- False once the placement is recalled or closed: the item is back with the collector.
  active boolean not null default true,
  primary key (tenant_id, placement_id, item_id),
  foreign key (tenant_id, placement_id) references agency_placements (tenant_id, id),
  foreign key (tenant_id, item_id) references items (tenant_id, id)
);
-- An item is with at most one agency at a time.
create unique index agency_placement_items_active on agency_placement_items (tenant_id, item_id) where active;

-- What an agency collected on a placement: gross, its commission, and the net it remitted, posted as
-- a receipt (net) applied to the placed items (gross) with the commission as a fee row.
create table agency_recoveries (
  tenant_id integer not null,
  id text not null,
  placement_id text not null,
  recovered_on date not null,
  currency char(3) not null,
  recovered_minor bigint not null check (recovered_minor > 0),
  commission_minor bigint not null check (commission_minor >= 0 and commission_minor <= recovered_minor),
  net_minor bigint not null check (net_minor = recovered_minor - commission_minor),
  -- The receipt of the net remittance; null when the commission took it all.
  receipt_id text,
  journal_entry_id text,
  reference text,
  import_id text,
  source_line integer,
  created_by text not null,
  created_at timestamptz not null default now(),
  primary key (tenant_id, id),
  foreign key (tenant_id, placement_id) references agency_placements (tenant_id, id),
  foreign key (tenant_id, receipt_id) references receipts (tenant_id, id)
);
create index agency_recoveries_placement on agency_recoveries (tenant_id, placement_id, recovered_on);
-- The agency's own reference for a remittance line is taken once per placement.
create unique index agency_recoveries_reference on agency_recoveries (tenant_id, placement_id, reference)
  where reference is not null;

create table experiments (
  tenant_id integer not null,
  id text not null,
  code text not null check (code ~ '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$'),
  name text not null,
  description text,
  -- What the variants change; a customer is in at most one running experiment per subject.
  subject text not null default 'dunning',
  status text not null default 'draft' check (status in ('draft', 'running', 'stopped')),
  -- The random assignment is a pure function of the seed and the population: rerunnable, auditable.
  seed bigint not null,
  stratify_by text check (stratify_by in ('segment', 'customer_type', 'collector')),
  -- Who is eligible (segments, customer type, collector, past due only).
  population jsonb not null default '{}',
  -- Report settings: cost per contact by channel, the N of "paid within N days".
  settings jsonb not null default '{}',
  started_on date,
  stopped_on date,
  created_by text not null,
  created_at timestamptz not null default now(),
  primary key (tenant_id, id),
  unique (tenant_id, code)
);

create table experiment_variants (
  tenant_id integer not null,
  experiment_id text not null,
  key text not null check (key ~ '^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$'),
  name text not null,
  -- Relative share of the accounts (1:1, 2:1, …).
  weight integer not null check (weight between 1 and 1000),
  -- The champion: challengers are compared with it.
  is_control boolean not null default false,
  -- What the variant means to the module that reads it (e.g. a dunning strategy id, step offsets).
  config jsonb not null default '{}',
  primary key (tenant_id, experiment_id, key),
  foreign key (tenant_id, experiment_id) references experiments (tenant_id, id)
);
create unique index experiment_variants_control on experiment_variants (tenant_id, experiment_id) where is_control;

create table experiment_assignments (
  tenant_id integer not null,
  experiment_id text not null,
  customer_id text not null,
  variant_key text not null,
  stratum text not null,
  assigned_on date not null,
  primary key (tenant_id, experiment_id, customer_id),
  foreign key (tenant_id, experiment_id, variant_key) references experiment_variants (tenant_id, experiment_id, key),
  foreign key (tenant_id, customer_id) references customers (tenant_id, id)
);
create index experiment_assignments_customer on experiment_assignments (tenant_id, customer_id);

select arbor_enable_tenant_rls('risk_models');
select arbor_enable_tenant_rls('agencies');
select arbor_enable_tenant_rls('agency_placements');
select arbor_enable_tenant_rls('agency_placement_items');
select arbor_enable_tenant_rls('agency_recoveries');
select arbor_enable_tenant_rls('experiments');
select arbor_enable_tenant_rls('experiment_variants');
select arbor_enable_tenant_rls('experiment_assignments');
`;
