/**
 * Indexes for the filters of the HTTP API's lists (issue 5): prefix searches and the per-customer
 * views. Without them each such page read every row of the tenant (docs/benchmarks.md, bench:api:
 * 40–100 ms a page on 50,000 customers and 200,000 items).
 *
 * The API reads under row-level security (migration 04), where PostgreSQL uses a condition as an
 * index condition only if it is leakproof: `like` and `lower(column)` are not, `starts_with` is (and
 * with `text_pattern_ops` it becomes an index range whatever the database collation). So prefix
 * searches are `starts_with(column, prefix)`, and a customer's name, matched ignoring case (what
 * `ilike` does in a UTF-8 database: `lower(name) like lower(pattern)`), is kept lowered in
 * `name_folded`, a generated column, so that no function of a column is left in the condition.
 *
 * Frozen in time (see the foundation migration). Every index leads with `tenant_id`.
 */
export const listFilterIndexes = `
alter table customers add column name_folded text generated always as (lower(name)) stored;
create index customers_account_prefix on customers (tenant_id, account_number text_pattern_ops);
create index customers_name_prefix on customers (tenant_id, name_folded text_pattern_ops);
-- A separate index, not the number's unique key rebuilt with text_pattern_ops: as the arbiter of
-- the import's \`on conflict (tenant_id, number)\` such a key made a 1M-invoice import on the server
-- take 43-53 s instead of 31-33 s (measured; the plain key stays the arbiter).
create index items_number_prefix on items (tenant_id, number text_pattern_ops) include (id, due_date, open_minor);
-- No index of all of a customer's items (open and closed): kept in customer order, every invoice
-- imported lands at a random place in it, and a 1M-invoice import on the server took 42-50 s with
-- it against 33 s without (measured). A customer's open items come from items_open; listing all of a
-- customer's items, closed ones included, reads the tenant's items.
create index receipts_reference_prefix on receipts (tenant_id, reference text_pattern_ops);
create index receipts_by_customer on receipts (tenant_id, customer_id, receipt_date, id) where customer_id is not null;
`;
