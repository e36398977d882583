import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { ServiceContext } from '../../core/context.ts';
import { type CurrencyCode, isCurrencyCode } from '../../core/currency.ts';
import type { InputIssue } from '../../core/errors.ts';
import { newId } from '../../core/ids.ts';
import { isLocalDate, type LocalDate } from '../../core/local-date.ts';
import { formatAmount, parseAmount } from '../../core/money.ts';
import { withDbErrors } from '../../db/db-errors.ts';
import { statisticsKeeper } from '../../db/statistics.ts';
import { recordAudit } from '../audit/index.ts';
import {
  type AchEntry,
  type BankCsvMapping,
  type BankFileFormat,
  bankFilesError,
  type ParseSink,
  type ParseWarning,
  parseText,
  type Remittance,
  type StatementEntry,
  type StatementInfo,
} from '../bank-files/index.ts';
import { createX12_820Parser } from '../edi/index.ts';
import { createLedgerService } from '../ledger/index.ts';
import { type DetectedFamily, parseBankFile } from '../parsing/index.ts';
import { normalizeBankAccount } from '../parties/index.ts';
import { createReceivablesService, type ReceiptDraft } from '../receivables/index.ts';
import {
  type AdviceInput,
  linkAdvices,
  type RemittanceSourceFormat,
  recordAdvices,
} from '../remittances/index.ts';
import { createProgressBar } from '../tabular/index.ts';
import { findEntities } from '../tenancy/index.ts';
import { bankingError } from './banking.errors.ts';
import {
  activeApplicationIds,
  type BankTransactionRow,
  findBankAccount,
  findReturnCandidates,
  findSeenTransactions,
  insertBankTransactions,
  seenKey,
} from './banking.repo.ts';
import { buildReturnPostings } from './logic/build-return-postings.ts';
import { classifyBankEntry } from './logic/classify-bank-entry.ts';
import { receiptMethodOf } from './logic/receipt-method.ts';

export interface ImportBankFileOptions {
  /** Import a file whose control totals, counts or balances disagree (they are still reported). */
  acceptControlMismatch?: boolean;
  family?: DetectedFamily | 'csv';
  mapping?: BankCsvMapping;
  /** The bank account for files that do not name one (NACHA), as the bank names it. */
  account?: string;
  progress?: boolean;
  /** Called once the import's transaction is open, before the first transaction is read. */
  onStart?: (file: string, bytes: number) => void;
}

export interface ImportBankFileResult {
  importId: string;
  file: string;
  format: BankFileFormat;
  statements: number;
  transactions: number;
  receipts: { count: number; amounts: Record<string, string> };
  returns: { matched: number; unmatched: number; applicationsReversed: number };
  duplicates: number;
  other: number;
  warnings: ParseWarning[];
  newBankAccounts: string[];
  /** Remittance advices the file carried (lockbox detail, camt referred documents, CTX addenda). */
  advices: number;
  /** Advices, from this file or imported before, now linked to this file's receipts. */
  advicesLinked: number;
}

type Event =
  | { t: 'statement'; info: StatementInfo }
  | { t: 'balances'; opening?: string | null; closing?: string | null }
  | { t: 'entry'; entry: StatementEntry }
  | { t: 'ach'; entry: AchEntry & Record<string, unknown> }
  | { t: 'remittance'; remittance: Remittance };

interface Pending {
  entry: StatementEntry;
  originalRefs: string[];
  /** Advices that came with this transaction in the same file. */
  remittances: Remittance[];
}

interface OpenStatement {
  id: string;
  bankAccountId: string;
  entityId: string;
  currency: CurrencyCode;
  opening: string | null;
  closing: string | null;
  first: string | null;
  last: string | null;
  count: number;
}

async function hashFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * `arbor import bank FILE`: reads a bank statement, notification, lockbox or ACH file (format from its
 * content) and books it, all or nothing, in one transaction:
 *
 * - each credit becomes a receipt that keeps the bank's reference (spec section 5), payer name and
 *   account, method, value date, end-to-end id, check number and remittance text; the matching engine
 *   applies it later;
 * - each return or reversal of money received (ACH return codes, returned items, camt reversals and
 *   return reasons) finds the receipt it takes back, reverses that receipt's applications (the
 *   invoices reopen), books the money out of unapplied cash and records the reason; a return whose
 *   receipt cannot be identified is kept, unbooked, for an analyst;
 * - transactions already read from an earlier file of the same account (same bank reference, amount,
 *   direction and date: intraday reports repeat in end-of-day statements) are kept as duplicates;
 * - other transactions (fees, payouts) are kept for the bank reconciliation, not booked to AR.
 *
 * A file already imported (same content) is refused (exit 4). A file whose own controls disagree is
 * refused (exit 2) unless `acceptControlMismatch`. Memory stays bounded: the parser streams, and what
 * each chunk yields is written before the next is read.
 */
export async function importBankFile(
  ctx: ServiceContext,
  path: string,
  options: ImportBankFileOptions = {},
): Promise<ImportBankFileResult> {
  const file = basename(path);
  const db = ctx.database.db;
  const { tenantId } = ctx;
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch {
    throw bankFilesError('bank_files.file_not_found', `${file}: no such file`);
  }
  const hash = await hashFile(path);
  const prior = await db
    .selectFrom('imports')
    .select(['id', 'file_name', 'created_at'])
    .where('tenant_id', '=', tenantId)
    .where('kind', '=', 'bank')
    .where('content_hash', '=', hash)
    .executeTakeFirst();
  if (prior) {
    throw bankingError(
      'banking.duplicate_file',
      `${file}: this file was already imported (as ${prior.file_name}, import ${prior.id}, ${new Date(prior.created_at).toISOString()}); nothing was imported`,
    );
  }
  const today = ctx.clock.today();
  const importId = newId('import');
  const progress =
    options.progress === false
      ? null
      : createProgressBar({ label: 'import bank', total: size, unit: 'bytes' });

  const result: ImportBankFileResult = {
    importId,
    file,
    format: 'csv',
    statements: 0,
    transactions: 0,
    receipts: { count: 0, amounts: {} },
    returns: { matched: 0, unmatched: 0, applicationsReversed: 0 },
    duplicates: 0,
    other: 0,
    warnings: [],
    newBankAccounts: [],
    advices: 0,
    advicesLinked: 0,
  };
  const receiptTotals = new Map<string, bigint>();
  const issues: InputIssue[] = [];
  const events: Event[] = [];
  let detectedFormat: BankFileFormat | null = null;
  const sink: ParseSink = {
    version: () => {},
    format: (f) => {
      detectedFormat = f;
    },
    statement: (info) => events.push({ t: 'statement', info }),
    balances: (b) =>
      events.push({
        t: 'balances',
        ...(b.opening_balance === undefined ? {} : { opening: b.opening_balance }),
        ...(b.closing_balance === undefined ? {} : { closing: b.closing_balance }),
      }),
    entry: (entry) => events.push({ t: 'entry', entry }),
    achBatch: () => {},
    achEntry: (entry) => events.push({ t: 'ach', entry: entry as AchEntry & Record<string, unknown> }),
    remittance: (remittance) => events.push({ t: 'remittance', remittance }),
    claimPayment: () => {},
    warning: (w) => result.warnings.push(w),
  };

  try {
    await db.transaction().execute(async (tx) =>
      withDbErrors(async () => {
        const receivables = createReceivablesService(ctx, createLedgerService(ctx));
        const ledger = createLedgerService(ctx);
        const entities = await findEntities(tx, tenantId);
        await tx
          .insertInto('imports')
          .values({
            tenant_id: tenantId,
            id: importId,
            kind: 'bank',
            file_name: file,
            content_hash: hash,
            row_count: 0,
            summary: '{}',
            created_by: ctx.actor,
          })
          .execute();
        options.onStart?.(file, size);

        let current: OpenStatement | null = null;
        const newReceiptIds: string[] = [];
        // Each chunk looks up its references among the transactions written before it.
        const keepStatistics = statisticsKeeper(tx, 'bank_transactions');
        const orphanAdvices: Remittance[] = [];
        let sequence = 0;
        let format: BankFileFormat = 'csv';

        const resolveAccount = async (accountText: string, currencyText: string | null) => {
          const account =
            normalizeBankAccount(accountText) ||
            (options.account ? normalizeBankAccount(options.account) : '');
          if (account === '') {
            throw bankingError(
              'banking.unknown_bank_account',
              `${file}: the file does not name the bank account it reports on; give it with --account`,
            );
          }
          const fallback = entities[0]?.currency ?? 'USD';
          const currency = (currencyText ?? '').toUpperCase() || fallback;
          if (!isCurrencyCode(currency))
            throw bankingError(
              'banking.invalid_entry',
              `${file}: unknown currency ${currency} for account ${account}`,
            );
          const known = await findBankAccount(tx, tenantId, account, currency);
          if (known) return { id: known.id, entityId: known.entity_id, currency: currency as CurrencyCode };
          // A new account: it belongs to the entity that keeps its books in that currency, when
          // exactly one does; otherwise the user says which (arbor bank-account add).
          const candidates = entities.filter((e) => e.currency === currency);
          const only =
            candidates.length === 1 ? candidates[0] : entities.length === 1 ? entities[0] : undefined;
          if (only === undefined) {
            throw bankingError(
              'banking.unknown_bank_account',
              `${file}: bank account ${account} (${currency}) is not known and ${candidates.length === 0 ? 'no entity' : 'several entities'} keep books in ${currency}; register it first: arbor bank-account add ${account} --currency ${currency} --entity CODE`,
            );
          }
          const id = newId('bankAccount');
          await tx
            .insertInto('bank_accounts')
            .values({ tenant_id: tenantId, id, entity_id: only.id, account, currency, name: null })
            .execute();
          await recordAudit(tx, tenantId, [
            {
              actor: ctx.actor,
              action: 'bank_account.create',
              objectType: 'bank_account',
              objectId: id,
              after: { account, currency, entity: only.code, from_file: file },
            },
          ]);
          result.newBankAccounts.push(`${account} ${currency} → ${only.code}`);
          return { id, entityId: only.id, currency: currency as CurrencyCode };
        };

        const minorOf = (
          text: string | null,
          currency: CurrencyCode,
          line: number | undefined,
          what: string,
        ) => {
          if (text === null) return null;
          try {
            return parseAmount(text, currency);
          } catch (e) {
            issues.push({
              file,
              ...(line === undefined ? {} : { line }),
              column: what,
              message: (e as Error).message,
            });
            return null;
          }
        };

        const closeStatement = async () => {
          if (current === null) return;
          const st: OpenStatement = current;
          await tx
            .updateTable('bank_statements')
            .set({
              opening_minor: minorOf(st.opening, st.currency, undefined, 'opening balance'),
              closing_minor: minorOf(st.closing, st.currency, undefined, 'closing balance'),
              first_date: st.first,
              last_date: st.last,
              entry_count: st.count,
            })
            .where('tenant_id', '=', tenantId)
            .where('id', '=', st.id)
            .execute();
          current = null;
        };

        const openStatement = async (info: StatementInfo) => {
          await closeStatement();
          const account = await resolveAccount(info.account, info.currency);
          const id = newId('bankStatement');
          await tx
            .insertInto('bank_statements')
            .values({
              tenant_id: tenantId,
              id,
              import_id: importId,
              bank_account_id: account.id,
              format: detectedFormat ?? format,
              sequence: ++sequence,
              currency: account.currency,
              opening_minor: null,
              closing_minor: null,
              first_date: null,
              last_date: null,
              entry_count: 0,
            })
            .execute();
          result.statements++;
          current = {
            id,
            bankAccountId: account.id,
            entityId: account.entityId,
            currency: account.currency,
            opening: info.opening_balance,
            closing: info.closing_balance,
            first: null,
            last: null,
            count: 0,
          };
        };

        /** Books one chunk's transactions of the current statement. */
        const processEntries = async (batch: Pending[]) => {
          if (batch.length === 0) return;
          if (current === null)
            await openStatement({
              account: options.account ?? '',
              currency: null,
              opening_balance: null,
              closing_balance: null,
            });
          const st = current as unknown as OpenStatement;
          const refs = batch.flatMap((b) => (b.entry.reference ? [b.entry.reference] : []));
          const seen = await findSeenTransactions(tx, tenantId, st.bankAccountId, refs);
          const rows: BankTransactionRow[] = [];
          const drafts: ReceiptDraft[] = [];
          const advices: AdviceInput[] = [];
          const returns: {
            row: BankTransactionRow;
            entry: StatementEntry;
            originalRefs: string[];
            amount: bigint;
          }[] = [];
          for (const { entry, originalRefs, remittances } of batch) {
            const date =
              [entry.booking_date, entry.value_date].find(
                (d): d is LocalDate => d !== null && isLocalDate(d),
              ) ?? today;
            const amount = minorOf(entry.amount, st.currency, entry.line, 'amount');
            if (amount === null) continue;
            st.count++;
            if (st.first === null || date < st.first) st.first = date;
            if (st.last === null || date > st.last) st.last = date;
            const row: BankTransactionRow = {
              id: newId('bankTransaction'),
              statement_id: st.id,
              bank_account_id: st.bankAccountId,
              import_id: importId,
              line: entry.line ?? null,
              booking_date: date,
              value_date:
                entry.value_date !== null && isLocalDate(entry.value_date) ? entry.value_date : null,
              direction: entry.direction,
              amount_minor: amount,
              currency: st.currency,
              reference: entry.reference,
              type_code: entry.type_code,
              counterparty_name: entry.counterparty_name,
              counterparty_account: entry.counterparty_account
                ? normalizeBankAccount(entry.counterparty_account)
                : null,
              end_to_end_id: entry.end_to_end_id,
              check_number: entry.check_number,
              customer_reference: entry.customer_reference,
              remittance_text: entry.remittance_text,
              return_reason: entry.return_reason,
              reversal: entry.reversal,
              disposition: 'other',
              receipt_id: null,
              note: null,
            };
            rows.push(row);
            result.transactions++;
            // Only earlier files count: inside one file, equal transactions are distinct (a batch
            // of transfers under one bank reference).
            if (
              entry.reference &&
              seen.has(seenKey(entry.reference, entry.end_to_end_id, amount, entry.direction, date))
            ) {
              row.disposition = 'duplicate';
              row.note =
                'already read from an earlier file (same bank reference, amount, direction and date)';
              result.duplicates++;
              continue;
            }
            const cls = classifyBankEntry(entry);
            if (cls.kind === 'other') {
              row.note = cls.note;
              result.other++;
              continue;
            }
            if (cls.kind === 'return') {
              row.disposition = 'return';
              returns.push({ row, entry, originalRefs, amount });
              continue;
            }
            const receiptId = newId('receipt');
            row.disposition = 'receipt';
            row.receipt_id = receiptId;
            const reference =
              entry.reference ??
              entry.customer_reference ??
              entry.end_to_end_id ??
              entry.check_number ??
              `${file}:${entry.line ?? st.count}`;
            drafts.push({
              id: receiptId,
              entityId: st.entityId,
              reference,
              receiptDate: date,
              currency: st.currency,
              amountMinor: amount,
              payerName: entry.counterparty_name,
              payerAccount: row.counterparty_account,
              method: receiptMethodOf(detectedFormat ?? format, entry),
              memo: entry.customer_reference,
              remittanceText: entry.remittance_text,
              customerId: null,
              source: 'bank',
              importId,
              bankAccountId: st.bankAccountId,
              valueDate: row.value_date as LocalDate | null,
              endToEndId: entry.end_to_end_id,
              checkNumber: entry.check_number,
              bankTypeCode: entry.type_code,
            });
            for (const r of remittances)
              advices.push({ ...r, receiptId, ...(entry.line === undefined ? {} : { line: entry.line }) });
            result.receipts.count++;
            receiptTotals.set(st.currency, (receiptTotals.get(st.currency) ?? 0n) + amount);
          }
          await receivables.postReceipts(tx, drafts);
          for (const d of drafts) newReceiptIds.push(d.id);
          if (advices.length > 0) {
            const recorded = await recordAdvices(tx, ctx, {
              importId,
              format: adviceFormat(detectedFormat ?? format),
              advices,
              file,
            });
            result.advices += recorded.advices.length;
            result.advicesLinked += recorded.linked;
          }
          for (const r of returns) await bookReturn(st, r);
          await insertBankTransactions(tx, tenantId, rows);
          await keepStatistics(rows.length);
        };

        const bookReturn = async (
          st: OpenStatement,
          r: { row: BankTransactionRow; entry: StatementEntry; originalRefs: string[]; amount: bigint },
        ) => {
          const { row, entry, amount } = r;
          const candidates = await findReturnCandidates(tx, tenantId, {
            entityId: st.entityId,
            currency: st.currency,
            amountMinor: amount,
            date: row.booking_date,
            references: [...r.originalRefs, ...(entry.reversal && entry.reference ? [entry.reference] : [])],
            endToEndId: entry.end_to_end_id,
            payerAccount: row.counterparty_account,
          });
          if (candidates.length !== 1) {
            row.note =
              candidates.length === 0
                ? 'no receipt found that this return takes back; an analyst must identify it'
                : `${candidates.length} receipts could be the one returned (${candidates
                    .slice(0, 5)
                    .map((c) => c.reference)
                    .join(', ')}); an analyst must choose`;
            result.returns.unmatched++;
            return;
          }
          const receipt = candidates[0] as (typeof candidates)[number];
          const reason = entry.return_reason ?? (entry.reversal ? 'reversal' : null);
          const applicationIds = await activeApplicationIds(tx, tenantId, receipt.id);
          // The bank's date, unless the cash was applied after it (the return arrived before the
          // application was made): the reversal then goes on the latest application's date, and the
          // return with it, so that no day in between shows the cash both applied and gone. The
          // receipt keeps the bank's date as its `returned_on`.
          let postedOn = row.booking_date as LocalDate;
          if (applicationIds.length > 0) {
            const reversal = await receivables.reverseApplications(tx, {
              applicationIds,
              date: postedOn,
              notBeforeRows: true,
              reason: `receipt ${receipt.reference} returned by the bank${reason ? ` (${reason})` : ''}`,
            });
            postedOn = reversal.date;
            result.returns.applicationsReversed += applicationIds.length;
          }
          await ledger.post(tx, [
            buildReturnPostings({
              entryId: newId('journalEntry'),
              receiptId: receipt.id,
              reference: receipt.reference,
              entityId: receipt.entity_id,
              customerId: receipt.customer_id,
              currency: receipt.currency as CurrencyCode,
              date: postedOn,
              amountMinor: amount,
              reason,
              importId,
            }),
          ]);
          const before = await tx
            .selectFrom('receipts')
            .select(['unapplied_minor', 'returned_minor'])
            .where('tenant_id', '=', tenantId)
            .where('id', '=', receipt.id)
            .executeTakeFirstOrThrow();
          await tx
            .updateTable('receipts')
            .set({
              unapplied_minor: before.unapplied_minor - amount,
              returned_minor: before.returned_minor + amount,
              returned_on: row.booking_date,
              return_reason: reason,
            })
            .where('tenant_id', '=', tenantId)
            .where('id', '=', receipt.id)
            .execute();
          await recordAudit(tx, tenantId, [
            {
              actor: ctx.actor,
              action: 'receipt.return',
              objectType: 'receipt',
              objectId: receipt.id,
              before: { unapplied_minor: before.unapplied_minor, returned_minor: before.returned_minor },
              after: {
                unapplied_minor: before.unapplied_minor - amount,
                returned_minor: before.returned_minor + amount,
                reason,
                applications_reversed: applicationIds,
                file,
                line: entry.line ?? null,
              },
            },
          ]);
          row.receipt_id = receipt.id;
          row.note = `returns receipt ${receipt.reference}${applicationIds.length > 0 ? `; ${applicationIds.length} application(s) reversed` : ''}${postedOn !== row.booking_date ? `; posted on ${postedOn}, the date of its latest application` : ''}`;
          result.returns.matched++;
        };

        const drain = async () => {
          let batch: Pending[] = [];
          const flush = async () => {
            const b = batch;
            batch = [];
            await processEntries(b);
          };
          for (const ev of events.splice(0, events.length)) {
            if (ev.t === 'statement') {
              await flush();
              await openStatement(ev.info);
            } else if (ev.t === 'balances') {
              if (current !== null) {
                const st: OpenStatement = current;
                if (ev.opening !== undefined) st.opening = ev.opening;
                if (ev.closing !== undefined) st.closing = ev.closing;
              }
            } else if (ev.t === 'entry') {
              batch.push({ entry: ev.entry, originalRefs: [], remittances: [] });
            } else if (ev.t === 'remittance') {
              // An advice belongs to the transaction just before it in the file.
              const last = batch.at(-1);
              if (last) last.remittances.push(ev.remittance);
              else orphanAdvices.push(ev.remittance);
            } else {
              if (current === null) {
                await openStatement({
                  account: options.account ?? 'ACH',
                  currency: 'USD',
                  opening_balance: null,
                  closing_balance: null,
                });
              }
              batch.push(achAsEntry(ev.entry, today));
            }
          }
          await flush();
        };

        const parsed = await parseBankFile(path, sink, {
          fileName: file,
          ...(options.family ? { family: options.family } : {}),
          ...(options.mapping ? { mapping: options.mapping } : {}),
          onProgress: (read) => progress?.update(read, result.transactions),
          afterChunk: drain,
          onFormat: (f) => {
            format = f;
          },
        });
        format = detectedFormat ?? parsed.format;
        result.format = format;
        await closeStatement();
        if (orphanAdvices.length > 0) {
          const recorded = await recordAdvices(tx, ctx, {
            importId,
            format: adviceFormat(format),
            advices: orphanAdvices,
            file,
          });
          result.advices += recorded.advices.length;
        }
        // Advices imported before the money (and those of this file) find their receipts.
        if (newReceiptIds.length > 0) {
          const linked = await linkAdvices(tx, ctx, { receiptIds: newReceiptIds });
          result.advicesLinked += linked.links.length;
        }

        if (issues.length > 0) {
          throw bankingError(
            'banking.invalid_entry',
            `${file}: ${issues.length} problem(s); nothing was imported`,
            {
              issues,
            },
          );
        }
        const blocking = result.warnings.filter((w) => w.severity !== 'notice');
        if (blocking.length > 0 && !options.acceptControlMismatch) {
          throw bankingError(
            'banking.file_warnings',
            `${file}: the file disagrees with its own controls or could not be read whole (${blocking.length} warning(s)); nothing was imported. Check the file with the bank, or import it anyway with --accept-control-mismatch`,
            {
              issues: blocking.map((w) => ({
                file,
                ...(w.line === null ? {} : { line: w.line }),
                message: w.message,
              })),
            },
          );
        }
        for (const [currency, total] of receiptTotals)
          result.receipts.amounts[currency] = formatAmount(total, currency as CurrencyCode);
        const summary = { ...result, warnings: result.warnings.length };
        await tx
          .updateTable('imports')
          .set({
            row_count: result.transactions,
            summary: JSON.stringify(summary),
            file_name: file,
          })
          .where('tenant_id', '=', tenantId)
          .where('id', '=', importId)
          .execute();
        await recordAudit(tx, tenantId, [
          {
            actor: ctx.actor,
            action: 'import.bank',
            objectType: 'import',
            objectId: importId,
            after: { file, content_hash: hash, format, summary },
          },
        ]);
      }),
    );
  } finally {
    progress?.finish();
  }
  return result;
}

/**
 * An ACH entry as a bank transaction, read from the side of the company collecting: a debit entry
 * (27, 37) is money the company drew from the receiver's account (a direct debit: the receiver is the
 * payer, with the RDFI routing and account); a credit entry (22, 32) is a payment the originator sent
 * (CCD, CTX: the batch's company is the payer); a return (addenda 99) takes back the receipt whose
 * reference is the original entry's trace; a notification of change and a prenote move no money.
 * The trace is the reference (spec section 5); addenda 05 text is the remittance text.
 */
function achAsEntry(e: AchEntry & Record<string, unknown>, today: LocalDate): Pending {
  const effective =
    typeof e.effective_date === 'string' && isLocalDate(e.effective_date) ? e.effective_date : today;
  const original = typeof e.original_trace === 'string' ? e.original_trace : null;
  const isReturn = e.return_code !== null;
  const isNoc = e.noc_code !== null;
  const drawn = e.direction === 'debit';
  const company =
    typeof e.company_name === 'string' && e.company_name.trim() !== '' ? e.company_name.trim() : null;
  const payerIsReceiver = drawn || isReturn;
  return {
    entry: {
      reference: e.trace,
      booking_date: effective,
      value_date: null,
      // A notification of change carries no money; it is kept, not booked.
      amount: isNoc ? '0' : e.amount,
      direction: isReturn ? 'debit' : 'credit',
      type_code: typeof e.transaction_code === 'string' ? e.transaction_code : null,
      counterparty_name: payerIsReceiver ? e.name : (company ?? e.name),
      counterparty_account: payerIsReceiver ? e.account : null,
      end_to_end_id: null,
      check_number: null,
      customer_reference: typeof e.individual_id === 'string' ? e.individual_id : null,
      remittance_text: e.addenda.length > 0 ? e.addenda.join(' ') : null,
      return_reason: e.return_code,
      reversal: false,
      ...(e.line === undefined ? {} : { line: e.line }),
    },
    originalRefs: original ? [original] : [],
    remittances: ctxRemittances(e),
  };
}

/** Where an advice read from a bank file came from. */
function adviceFormat(format: BankFileFormat): RemittanceSourceFormat {
  if (format === 'lockbox') return 'lockbox';
  if (format === 'nacha') return 'ach-addenda';
  if (format.startsWith('camt')) return 'camt';
  if (format === 'x12-820') return 'x12-820';
  return 'bank-text';
}

/**
 * A CTX (or CCD+) entry's addenda may carry a whole X12 820 remittance advice, cut into 80-character
 * pieces: joined without separators they are the 820 again. An advice that cannot be read stays in
 * the receipt's remittance text, where the matching engine still finds references.
 */
function ctxRemittances(e: AchEntry): Remittance[] {
  if (e.addenda.length === 0) return [];
  const joined = e.addenda.join('');
  const at = joined.search(/ISA[^A-Za-z0-9 ]|ST[*|^~:]820/);
  if (at < 0) return [];
  try {
    const doc = parseText(createX12_820Parser, 'x12-820', joined.slice(at), {
      fileName: `trace ${e.trace} addenda`,
    });
    return (doc.remittances ?? []).map((r) => ({ ...r, payment_reference: r.payment_reference ?? e.trace }));
  } catch {
    return [];
  }
}
