/**
 * Fewer and smaller index entries per posted invoice (issue 3: the 1M-invoice import on a PostgreSQL
 * server, where the backend inserting index entries is the bound; docs/benchmarks.md).
 *
 * - An item's number had two indexes: its unique key, in the database's collation, and
 *   `items_number_prefix` (`text_pattern_ops`, for `starts_with` searches under row-level security;
 *   migration 13). One unique key with `text_pattern_ops` does both: equality is the same in either
 *   operator class, prefix searches become index ranges, and what the lists read from the prefix
 *   index (id, due date, open amount) stays included. Range look-ups by number compare in that
 *   operator class (`~>=~`, `~<=~`: byte order), as `findTakenNumbers` does. Measured on a
 *   1M-invoice import into a fresh server database: 26.6 s → 24.9 s.
 * - A customer's journal lines were indexed by (customer, entry date): every AR line landed at a
 *   random place in a 72 MB index. Keyed by customer alone, equal keys share one deduplicated entry
 *   (12 MB for 1M lines) and the statement filters a customer's lines by date as it reads them.
 *   Measured: 24.9 s → 22.4 s.
 *
 * Frozen in time (see the foundation migration). Every index leads with `tenant_id`.
 */
export const cheaperItemKeys = `
drop index items_number_prefix;
alter table items drop constraint items_tenant_id_number_key;
create unique index items_number_key on items (tenant_id, number text_pattern_ops) include (id, due_date, open_minor);
drop index journal_lines_customer;
create index journal_lines_customer on journal_lines (tenant_id, customer_id) where customer_id is not null;
`;
