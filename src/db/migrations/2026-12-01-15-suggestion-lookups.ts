/**
 * Every suggestion of a receipt, whatever its status (issue 4, the workbench). The only index so far
 * held open suggestions, but the workbench also reads a receipt's confirmed, rejected and superseded
 * ones (a suggestion by rank, the allocations an analyst rejected), and each run supersedes the open
 * ones of the last: the table grows with every run, and those look-ups read all of it.
 *
 * Frozen in time (see the foundation migration). Every index leads with `tenant_id`.
 */
export const suggestionLookups = `
create index cash_suggestions_receipt_rank on cash_suggestions (tenant_id, receipt_id, rank);
`;
