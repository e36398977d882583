/**
 * Access and control (issue 5): users, sessions and API tokens; idempotency keys for the HTTP API;
 * approval requests (segregation of duties); the audit log as a hash chain; and row-level security,
 * so that a request acting as the `arbor_app` role sees and changes only its own tenant's rows.
 *
 * Frozen in time (see the foundation migration). Every table leads its keys with `tenant_id`.
 */
export const access = `
create table users (
  tenant_id integer not null references tenants (id),
  id text not null,
  username text not null check (username ~ '^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$'),
  display_name text,
  role text not null check (role in ('admin', 'manager', 'analyst', 'cash_applier', 'accountant', 'auditor')),
  -- argon2id (PHC string); null until a password is set.
  password_hash text,
  status text not null default 'active' check (status in ('active', 'disabled')),
  failed_logins integer not null default 0,
  locked_until timestamptz,
  -- An analyst limited to the customers whose collector is this user.
  portfolio_scoped boolean not null default false,
  -- The largest adjustment this user may make without another user's approval; null: the role's.
  approval_limit_minor bigint,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  password_changed_at timestamptz,
  primary key (tenant_id, id),
  unique (tenant_id, username)
);

-- Browser sessions. The cookie carries the session id and a secret; only the secret's SHA-256 is kept.
create table sessions (
  tenant_id integer not null,
  id text not null,
  user_id text not null,
  secret_hash text not null,
  csrf_hash text not null,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  last_seen_at timestamptz not null default now(),
  revoked_at timestamptz,
  source text,
  primary key (tenant_id, id),
  foreign key (tenant_id, user_id) references users (tenant_id, id)
);
create index sessions_user on sessions (tenant_id, user_id);

-- Personal API tokens (Authorization: Bearer), hashed at rest, scoped, expiring, revocable.
create table api_tokens (
  tenant_id integer not null,
  id text not null,
  user_id text not null,
  name text not null,
  secret_hash text not null,
  -- Permissions the token may use (a subset of its user's); null: all of them.
  scopes text[],
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  revoked_at timestamptz,
  last_used_at timestamptz,
  primary key (tenant_id, id),
  foreign key (tenant_id, user_id) references users (tenant_id, id)
);
create index api_tokens_user on api_tokens (tenant_id, user_id);

-- What a POST with an Idempotency-Key answered, written in the request's own transaction.
create table idempotency_keys (
  tenant_id integer not null,
  user_id text not null,
  key text not null,
  method text not null,
  path text not null,
  request_hash text not null,
  status_code integer,
  content_type text,
  response_body text,
  created_at timestamptz not null default now(),
  primary key (tenant_id, user_id, key)
);
create index idempotency_keys_age on idempotency_keys (tenant_id, created_at);

-- Adjustments above the requester's limit wait here for another user's decision (segregation of duties).
create table approval_requests (
  tenant_id integer not null,
  id text not null,
  kind text not null check (kind in ('write_off', 'credit_memo', 'refund', 'settlement')),
  status text not null default 'pending' check (status in ('pending', 'approved', 'rejected', 'cancelled')),
  requested_by text not null,
  requested_at timestamptz not null default now(),
  amount_minor bigint not null check (amount_minor > 0),
  currency char(3) not null,
  customer_id text,
  subject_id text,
  reason text,
  payload jsonb not null,
  decided_by text,
  decided_at timestamptz,
  decision_note text,
  result jsonb,
  primary key (tenant_id, id),
  foreign key (tenant_id, requested_by) references users (tenant_id, id),
  foreign key (tenant_id, decided_by) references users (tenant_id, id)
);
create index approval_requests_status on approval_requests (tenant_id, status, requested_at);

-- The audit log becomes a hash chain per tenant: each row carries its position and the SHA-256 of
-- its content together with the previous row's hash. Rows written before this migration are sealed
-- as a legacy prefix: numbered, not hashed, and counted in the chain head so none can be added later.
alter table audit_log add column seq bigint;
alter table audit_log add column prev_hash text;
alter table audit_log add column hash text;
create table audit_chain (
  tenant_id integer not null primary key,
  seq bigint not null,
  hash text not null,
  legacy_rows bigint not null default 0
);
alter table audit_log disable trigger audit_log_append_only;
update audit_log a set seq = n.seq
  from (select tenant_id, id, row_number() over (partition by tenant_id order by at, id) as seq from audit_log) n
  where a.tenant_id = n.tenant_id and a.id = n.id;
alter table audit_log enable trigger audit_log_append_only;
insert into audit_chain (tenant_id, seq, hash, legacy_rows)
  select tenant_id, count(*), 'legacy', count(*) from audit_log group by tenant_id;
create unique index audit_log_seq on audit_log (tenant_id, seq);
create trigger audit_chain_no_delete before delete on audit_chain
  for each row execute function arbor_forbid_change();

-- Row-level security. The API acts as arbor_app inside each request's transaction
-- (set_config('role', 'arbor_app', true) with arbor.tenant_id set): every table with a tenant_id
-- shows that role only the current tenant's rows. The owner (migrations, the command line) is not
-- subject to it. The role is cluster-wide, so two databases on one server share it.
do $do$
begin
  if not exists (select 1 from pg_roles where rolname = 'arbor_app') then
    begin
      create role arbor_app nologin;
    exception when duplicate_object or unique_violation then null;
    end;
  end if;
  if not exists (select 1 from pg_roles r where r.rolname = current_user and r.rolsuper) then
    execute format('grant arbor_app to %I', current_user);
  end if;
end
$do$;

create function arbor_enable_tenant_rls(tbl text, key text default 'tenant_id') returns void language plpgsql as $fn$
begin
  execute format('alter table %I enable row level security', tbl);
  execute format(
    'create policy tenant_isolation on %I using (%I = nullif(current_setting(''arbor.tenant_id'', true), '''')::integer)',
    tbl, key);
  execute format('grant select, insert, update, delete on %I to arbor_app', tbl);
end
$fn$;

do $do$
declare t record;
begin
  for t in
    select c.table_name from information_schema.columns c
    join information_schema.tables tb on tb.table_schema = c.table_schema and tb.table_name = c.table_name
    where c.table_schema = current_schema() and c.column_name = 'tenant_id' and tb.table_type = 'BASE TABLE'
  loop
    perform arbor_enable_tenant_rls(t.table_name);
  end loop;
end
$do$;
select arbor_enable_tenant_rls('tenants', 'id');
grant usage on schema public to arbor_app;
grant usage, select on all sequences in schema public to arbor_app;
`;
