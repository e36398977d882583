// Bank files into the books: receipts from credits, returns that take receipts back, the company's
// bank accounts. The module's only public surface.

export { addBankAccount, findBankAccounts } from './bank-accounts.ts';
export { type BankingErrorCode, bankingError } from './banking.errors.ts';
export { type ImportBankFileOptions, type ImportBankFileResult, importBankFile } from './import-bank-file.ts';
export { buildReturnPostings } from './logic/build-return-postings.ts';
export { type BankEntryClass, classifyBankEntry } from './logic/classify-bank-entry.ts';
export { type ReceiptMethod, receiptMethodOf } from './logic/receipt-method.ts';
