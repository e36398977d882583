import { IMPORT_KINDS, IMPORTERS } from '../../modules/importers/index.ts';
import { type ImportKind, runImport } from '../../modules/imports/index.ts';
import { openTableFile } from '../../modules/tabular/index.ts';
import type { Command } from '../command.ts';
import { parseCommandArgs } from '../command.ts';
import { EXIT } from '../exit-codes.ts';
import { openContext } from '../runtime.ts';

function importCommand(kind: ImportKind): Command {
  return {
    words: ['import', kind],
    usage: `arbor [--db TARGET] import ${kind} FILE (.csv or .xlsx)`,
    summary: `import ${kind} (INTERCHANGE.md §2)`,
    async run(input) {
      const { positionals, global } = parseCommandArgs(input, this, {}, { min: 1, max: 1 });
      const importer = IMPORTERS[kind];
      const source = await openTableFile(positionals[0] as string);
      // The embedded engine on a thread of its own, so reading and writing overlap (db/pglite-thread.ts).
      const { ctx, close } = await openContext(global, input.io, { thread: true });
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

export const importCommands: Command[] = IMPORT_KINDS.map(importCommand);
