// Bank files into the books: receipts from credits, returns that take receipts back, the company's
// bank accounts. The module's only public surface.

export { addBankAccount, findBankAccounts } from './bank-accounts.ts';
export { findBankCsvMapping, listBankCsvMappings, saveBankCsvMapping } from './bank-csv-mappings.ts';
export {
  type BankReconciliation,
  type BankReconciliationOptions,
  buildBankReconciliation,
  DEFAULT_MATCH_WINDOW_DAYS,
  type ProposedMatch,
  type ReconciledBankAccount,
  type ReconciliationGroup,
  type ReconcilingItem,
} from './bank-reconciliation.ts';
export { type BankingErrorCode, bankingError } from './banking.errors.ts';
export { type ImportBankFileOptions, type ImportBankFileResult, importBankFile } from './import-bank-file.ts';
export { buildReturnPostings } from './logic/build-return-postings.ts';
export { type BankEntryClass, classifyBankEntry } from './logic/classify-bank-entry.ts';
export { type ReceiptMethod, receiptMethodOf } from './logic/receipt-method.ts';
export {
  CATEGORY_LABELS as BANK_RECONCILIATION_LABELS,
  type ReconcilingCategory,
} from './logic/reconcile.ts';
