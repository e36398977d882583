import { HISTORY_SPEC, importHistory } from '../cash-application/index.ts';
import type { ImportHandlerArgs, ImportKind, ImportOutcome, ImportSpec } from '../imports/index.ts';
import { INVOICES_SPEC, importInvoices } from '../invoicing/index.ts';
import { CUSTOMERS_SPEC, importCustomers, importParties, PARTIES_SPEC } from '../parties/index.ts';
import { ENTITIES_SPEC, importEntities } from '../tenancy/index.ts';

export interface Importer {
  readonly spec: ImportSpec;
  readonly handler: (args: ImportHandlerArgs) => Promise<ImportOutcome>;
}

/**
 * Every import of INTERCHANGE.md §2, in the order a migration loads them (each may refer to the ones
 * before it). The command line, the demo and the tests all import through this one table.
 */
export const IMPORTERS: Readonly<Record<ImportKind, Importer>> = {
  entities: { spec: ENTITIES_SPEC, handler: importEntities },
  customers: { spec: CUSTOMERS_SPEC, handler: importCustomers },
  parties: { spec: PARTIES_SPEC, handler: importParties },
  invoices: { spec: INVOICES_SPEC, handler: importInvoices },
  history: { spec: HISTORY_SPEC, handler: importHistory },
};

export const IMPORT_KINDS = Object.keys(IMPORTERS) as ImportKind[];
