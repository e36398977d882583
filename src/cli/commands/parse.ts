import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import {
  type BankCsvMapping,
  type BankFileFormat,
  bankFilesError,
  collectParse,
  decimalFromMinor,
  exponentOf,
  minorFromDecimal,
  type ParseSink,
  parseBankCsvMapping,
} from '../../modules/bank-files/index.ts';
import { type DetectedFamily, parseBankFile } from '../../modules/parsing/index.ts';
import type { Command } from '../command.ts';
import { parseCommandArgs } from '../command.ts';
import { EXIT } from '../exit-codes.ts';

const FAMILIES: readonly (DetectedFamily | 'csv')[] = [
  'bai2',
  'camt',
  'mt940',
  'nacha',
  'x12',
  'lockbox',
  'ofx',
  'csv',
];

async function readMapping(path: string | undefined): Promise<BankCsvMapping | undefined> {
  if (path === undefined) return undefined;
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw bankFilesError('bank_files.file_not_found', `${basename(path)}: no such mapping file`);
  }
  return parseBankCsvMapping(text, basename(path));
}

interface StatementSummary {
  account: string;
  currency: string | null;
  opening: string | null;
  closing: string | null;
  entries: number;
  credits: bigint;
  debits: bigint;
}

/** A sink that keeps counts and totals only, so that `arbor parse` without --json reads any size. */
function summarizingSink() {
  const s = {
    format: null as BankFileFormat | null,
    version: null as string | null,
    statements: [] as StatementSummary[],
    achBatches: 0,
    achEntries: 0,
    achReturns: 0,
    achNocs: 0,
    remittances: 0,
    remittanceLines: 0,
    claimPayments: 0,
    claims: 0,
    warnings: [] as { line: number | null; message: string }[],
  };
  let current: StatementSummary | null = null;
  const sink: ParseSink = {
    version: (v) => {
      s.version = v;
    },
    format: (f) => {
      s.format = f;
    },
    statement: (info) => {
      current = {
        account: info.account,
        currency: info.currency,
        opening: info.opening_balance,
        closing: info.closing_balance,
        entries: 0,
        credits: 0n,
        debits: 0n,
      };
      s.statements.push(current);
    },
    balances: (b) => {
      if (current === null) return;
      if (b.opening_balance !== undefined) current.opening = b.opening_balance;
      if (b.closing_balance !== undefined) current.closing = b.closing_balance;
    },
    entry: (e) => {
      if (current === null)
        sink.statement({ account: '', currency: null, opening_balance: null, closing_balance: null });
      const c = current as unknown as StatementSummary;
      c.entries++;
      const minor = minorFromDecimal(e.amount, exponentOf(c.currency));
      if (e.direction === 'credit') c.credits += minor;
      else c.debits += minor;
    },
    achBatch: () => {
      s.achBatches++;
    },
    achEntry: (e) => {
      s.achEntries++;
      if (e.return_code !== null) s.achReturns++;
      if (e.noc_code !== null) s.achNocs++;
    },
    remittance: (r) => {
      s.remittances++;
      s.remittanceLines += r.lines.length;
    },
    claimPayment: (p) => {
      s.claimPayments++;
      s.claims += p.claims.length;
    },
    warning: (w) => {
      s.warnings.push(w);
    },
  };
  return { sink, summary: s };
}

export const parseCommand: Command = {
  words: ['parse'],
  usage: `arbor parse FILE [--json] [--format ${FAMILIES.join('|')}] [--mapping MAPPING.json]`,
  summary: 'print the normalized document of a bank or remittance file (spec section 4); no database',
  async run(input) {
    const { values, positionals } = parseCommandArgs(
      input,
      this,
      { json: { type: 'boolean' }, format: { type: 'string' }, mapping: { type: 'string' } },
      { min: 1, max: 1 },
    );
    const path = positionals[0] as string;
    const family = values.format as string | undefined;
    if (family !== undefined && !FAMILIES.includes(family as DetectedFamily))
      throw bankFilesError(
        'bank_files.unknown_format',
        `--format ${family}: not one of ${FAMILIES.join(', ')}`,
      );
    const mapping = await readMapping(values.mapping as string | undefined);
    const options = {
      fileName: basename(path),
      ...(family === undefined ? {} : { family: family as DetectedFamily | 'csv' }),
      ...(mapping === undefined ? {} : { mapping }),
    };
    const out = input.io.stdout;
    if (values.json === true) {
      // The parser names the exact format when it knows it (camt.053, mt942, x12-835); else the
      // detected family's format stands.
      const { sink, result: collected } = collectParse('csv');
      const result = await parseBankFile(path, sink, options);
      const doc = collected();
      if (doc.format === 'csv') doc.format = result.format;
      out.write(`${JSON.stringify(doc, null, 2)}\n`);
      return EXIT.ok;
    }
    const { sink, summary } = summarizingSink();
    const result = await parseBankFile(path, sink, options);
    const format = summary.format ?? result.format;
    out.write(
      `${options.fileName}: ${format}${summary.version ? ` ${summary.version}` : ''}, ${result.bytes} bytes, ${result.encoding}\n`,
    );
    for (const st of summary.statements) {
      const e = exponentOf(st.currency);
      out.write(
        `  account ${st.account || '(none)'} ${st.currency ?? ''}: ${st.entries} entries, credits ${decimalFromMinor(st.credits, e)}, debits ${decimalFromMinor(st.debits, e)}, opening ${st.opening ?? '-'}, closing ${st.closing ?? '-'}\n`,
      );
    }
    if (summary.achEntries > 0 || summary.achBatches > 0)
      out.write(
        `  ACH: ${summary.achBatches} batches, ${summary.achEntries} entries (${summary.achReturns} returns, ${summary.achNocs} notifications of change)\n`,
      );
    if (summary.remittances > 0)
      out.write(`  remittances: ${summary.remittances} advices, ${summary.remittanceLines} lines\n`);
    if (summary.claimPayments > 0)
      out.write(`  claim payments: ${summary.claimPayments}, ${summary.claims} claims\n`);
    for (const w of summary.warnings)
      input.io.stderr.write(
        `${options.fileName}${w.line === null ? '' : `:${w.line}`}: warning: ${w.message}\n`,
      );
    out.write(`  ${summary.warnings.length} warning${summary.warnings.length === 1 ? '' : 's'}\n`);
    return EXIT.ok;
  },
};
