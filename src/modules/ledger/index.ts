export { ledgerError } from './ledger.errors.ts';
export { createLedgerService, type LedgerService, type PreparedPosting } from './ledger.service.ts';
export { buildReversal } from './logic/build-reversal.ts';
export { ACCOUNT_ROLES, type AccountRole, DEFAULT_CHART } from './logic/chart.ts';
export { assertBalanced, type EntryDraft, type PostingLine } from './logic/journal-entry.ts';
