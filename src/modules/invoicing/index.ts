export { importInvoices, INVOICES_SPEC } from './import-invoices.ts';
export { type DocumentType, type ParsedInvoiceRow, parseInvoiceRow } from './logic/parse-invoice-row.ts';
