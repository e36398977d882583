import { HISTORY_SPEC, importHistory } from '../../modules/cash-application/index.ts';
import {
  type ImportHandlerArgs,
  type ImportOutcome,
  type ImportSpec,
  runImport,
} from '../../modules/imports/index.ts';
import { INVOICES_SPEC, importInvoices } from '../../modules/invoicing/index.ts';
import { CUSTOMERS_SPEC, importCustomers, importParties, PARTIES_SPEC } from '../../modules/parties/index.ts';
import { openTableFile } from '../../modules/tabular/index.ts';
import { ENTITIES_SPEC, importEntities } from '../../modules/tenancy/index.ts';
import type { Command } from '../command.ts';
import { parseCommandArgs } from '../command.ts';
import { EXIT } from '../exit-codes.ts';
import { openContext } from '../runtime.ts';

export const IMPORTERS: Record<
  string,
  { spec: ImportSpec; handler: (args: ImportHandlerArgs) => Promise<ImportOutcome> }
> = {
  entities: { spec: ENTITIES_SPEC, handler: importEntities },
  customers: { spec: CUSTOMERS_SPEC, handler: importCustomers },
  parties: { spec: PARTIES_SPEC, handler: importParties },
  invoices: { spec: INVOICES_SPEC, handler: importInvoices },
  history: { spec: HISTORY_SPEC, handler: importHistory },
};

function importCommand(kind: string): Command {
  return {
    words: ['import', kind],
    usage: `arbor [--db TARGET] import ${kind} FILE (.csv or .xlsx)`,
    summary: `import ${kind} (INTERCHANGE.md §2)`,
    async run(input) {
      const { positionals, global } = parseCommandArgs(input, this, {}, { min: 1, max: 1 });
      const importer = IMPORTERS[kind];
      if (!importer) return EXIT.invalid;
      const source = await openTableFile(positionals[0] as string);
      const { ctx, close } = await openContext(global, input.io);
      try {
        const started = performance.now();
        const result = await runImport(ctx, importer.spec, source, importer.handler);
        const seconds = (performance.now() - started) / 1000;
        const details = Object.entries(result.summary)
          .filter(([, v]) => typeof v !== 'object')
          .map(([k, v]) => `${k.replace(/_/g, ' ')} ${v}`)
          .join(', ');
        input.io.stdout.write(
          `imported ${result.rows} ${kind} row(s) from ${result.file} in ${seconds.toFixed(1)} s (${result.importId})${details ? `: ${details}` : ''}\n`,
        );
        return EXIT.ok;
      } finally {
        await close();
      }
    },
  };
}

export const importCommands: Command[] = Object.keys(IMPORTERS).map(importCommand);
