/**
 * Indexes for the HTTP API's lists (issue 5), which page in a fixed order with a keyset cursor: open
 * items by due date, receipts newest first, an analyst's portfolio by collector. Without them each
 * page sorts every matching row of the tenant (measured in docs/benchmarks.md, bench:api).
 *
 * Frozen in time (see the foundation migration). Every index leads with `tenant_id`.
 */
export const listIndexes = `
create index items_open_by_due on items (tenant_id, due_date, id) where open_minor <> 0;
create index receipts_by_date on receipts (tenant_id, receipt_date, id);
create index customers_collector on customers (tenant_id, collector, account_number) where collector is not null;
`;
