export { INVOICES_SPEC, importInvoices } from './import-invoices.ts';
export { type DocumentType, type ParsedInvoiceRow, parseInvoiceRow } from './logic/parse-invoice-row.ts';
