import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { bankFilesError, parseBankCsvMapping } from '../../modules/bank-files/index.ts';
import {
  addBankAccount,
  findBankAccounts,
  findBankCsvMapping,
  importBankFile,
  listBankCsvMappings,
  saveBankCsvMapping,
} from '../../modules/banking/index.ts';
import type { DetectedFamily } from '../../modules/parsing/index.ts';
import type { Command } from '../command.ts';
import { parseCommandArgs } from '../command.ts';
import { EXIT } from '../exit-codes.ts';
import { openContext } from '../runtime.ts';

const FAMILIES = ['bai2', 'camt', 'mt940', 'nacha', 'x12', 'lockbox', 'ofx', 'csv'];

export const importBankCommand: Command = {
  words: ['import', 'bank'],
  usage:
    'arbor [--db TARGET] import bank FILE [--format FAMILY] [--mapping MAPPING.json] [--account ACCOUNT] [--accept-control-mismatch]',
  summary:
    'import a bank statement, notification, lockbox or ACH file: receipts, returns (format from content)',
  async run(input) {
    const { values, positionals, global } = parseCommandArgs(
      input,
      this,
      {
        format: { type: 'string' },
        mapping: { type: 'string' },
        account: { type: 'string' },
        'accept-control-mismatch': { type: 'boolean' },
      },
      { min: 1, max: 1 },
    );
    const family = values.format as string | undefined;
    if (family !== undefined && !FAMILIES.includes(family))
      throw bankFilesError(
        'bank_files.unknown_format',
        `--format ${family}: not one of ${FAMILIES.join(', ')}`,
      );
    let mapping: ReturnType<typeof parseBankCsvMapping> | undefined;
    const mappingArg = values.mapping as string | undefined;
    // --mapping is a mapping file, or the name of one saved with `arbor bank-mapping save`.
    if (mappingArg !== undefined && existsSync(mappingArg)) {
      mapping = parseBankCsvMapping(await readFile(mappingArg, 'utf8'), basename(mappingArg));
    }
    const { ctx, close } = await openContext(global, input.io);
    try {
      if (mappingArg !== undefined && mapping === undefined) {
        mapping = (await findBankCsvMapping(ctx, mappingArg)) ?? undefined;
        if (mapping === undefined)
          throw bankFilesError(
            'bank_files.file_not_found',
            `--mapping ${mappingArg}: neither a mapping file nor a saved mapping (arbor bank-mapping list)`,
          );
      }
      const started = performance.now();
      const r = await importBankFile(ctx, positionals[0] as string, {
        acceptControlMismatch: values['accept-control-mismatch'] === true,
        ...(family === undefined ? {} : { family: family as DetectedFamily | 'csv' }),
        ...(mapping === undefined ? {} : { mapping }),
        ...(typeof values.account === 'string' ? { account: values.account } : {}),
        onStart: (file, bytes) => input.io.stderr.write(`import bank: reading ${file} (${bytes} bytes)\n`),
      });
      const seconds = (performance.now() - started) / 1000;
      const out = input.io.stdout;
      const amounts = Object.entries(r.receipts.amounts)
        .map(([c, a]) => `${a} ${c}`)
        .join(', ');
      out.write(
        `imported ${r.file} (${r.format}) in ${seconds.toFixed(1)} s (${r.importId}): ${r.statements} statement(s), ${r.transactions} transaction(s)\n`,
      );
      out.write(`  receipts: ${r.receipts.count}${amounts ? ` (${amounts})` : ''}\n`);
      out.write(
        `  returns: ${r.returns.matched} matched to their receipts (${r.returns.applicationsReversed} application(s) reversed), ${r.returns.unmatched} to identify\n`,
      );
      out.write(`  duplicates of earlier files: ${r.duplicates}; other bank transactions: ${r.other}\n`);
      for (const a of r.newBankAccounts) out.write(`  new bank account: ${a}\n`);
      for (const w of r.warnings)
        input.io.stderr.write(`${r.file}${w.line === null ? '' : `:${w.line}`}: warning: ${w.message}\n`);
      return EXIT.ok;
    } finally {
      await close();
    }
  },
};

export const bankAccountAddCommand: Command = {
  words: ['bank-account', 'add'],
  usage: 'arbor [--db TARGET] bank-account add ACCOUNT --entity CODE [--currency CUR] [--name NAME]',
  summary: "register one of the company's bank accounts under an entity",
  async run(input) {
    const { values, positionals, global } = parseCommandArgs(
      input,
      this,
      { entity: { type: 'string' }, currency: { type: 'string' }, name: { type: 'string' } },
      { min: 1, max: 1 },
    );
    const { ctx, close } = await openContext(global, input.io);
    try {
      const entityCode = (values.entity as string | undefined) ?? 'MAIN';
      const { findEntityByCode } = await import('../../modules/tenancy/index.ts');
      const entity = await findEntityByCode(ctx.database.db, ctx.tenantId, entityCode);
      const r = await addBankAccount(ctx, {
        account: positionals[0] as string,
        currency: (values.currency as string | undefined) ?? entity?.currency ?? 'USD',
        entityCode,
        name: (values.name as string | undefined) ?? null,
      });
      input.io.stdout.write(`${r.created ? 'added' : 'already registered'}: ${positionals[0]} (${r.id})\n`);
      return EXIT.ok;
    } finally {
      await close();
    }
  },
};

export const bankAccountListCommand: Command = {
  words: ['bank-account', 'list'],
  usage: 'arbor [--db TARGET] bank-account list',
  summary: "list the company's bank accounts and their entities",
  async run(input) {
    const { global } = parseCommandArgs(input, this, {}, { min: 0, max: 0 });
    const { ctx, close } = await openContext(global, input.io);
    try {
      for (const a of await findBankAccounts(ctx))
        input.io.stdout.write(`${a.entity}\t${a.account}\t${a.currency}\t${a.name ?? ''}\n`);
      return EXIT.ok;
    } finally {
      await close();
    }
  },
};

export const bankMappingSaveCommand: Command = {
  words: ['bank-mapping', 'save'],
  usage: 'arbor [--db TARGET] bank-mapping save NAME MAPPING.json',
  summary: 'save a bank CSV column mapping under a name, for import bank --mapping NAME',
  async run(input) {
    const { positionals, global } = parseCommandArgs(input, this, {}, { min: 2, max: 2 });
    const [name, path] = positionals as [string, string];
    const text = await readFile(path, 'utf8').catch(() => {
      throw bankFilesError('bank_files.file_not_found', `${basename(path)}: no such mapping file`);
    });
    const mapping = parseBankCsvMapping(text, basename(path));
    const { ctx, close } = await openContext(global, input.io);
    try {
      const created = await saveBankCsvMapping(ctx, name, mapping);
      input.io.stdout.write(`${created ? 'saved' : 'replaced'} mapping ${name}\n`);
      return EXIT.ok;
    } finally {
      await close();
    }
  },
};

export const bankMappingListCommand: Command = {
  words: ['bank-mapping', 'list'],
  usage: 'arbor [--db TARGET] bank-mapping list',
  summary: 'list the saved bank CSV column mappings',
  async run(input) {
    const { global } = parseCommandArgs(input, this, {}, { min: 0, max: 0 });
    const { ctx, close } = await openContext(global, input.io);
    try {
      for (const m of await listBankCsvMappings(ctx)) input.io.stdout.write(`${m.name}\t${m.created_by}\n`);
      return EXIT.ok;
    } finally {
      await close();
    }
  },
};
