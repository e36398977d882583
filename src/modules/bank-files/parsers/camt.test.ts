import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type AppError, isAppError } from '../../../core/errors.ts';
import type { ParsedFile } from '../model.ts';
import { parseText } from '../parse-text.ts';
import { createCamtParser } from './camt.ts';

const FIXTURES = join(import.meta.dirname, '..', '..', '..', '..', 'test', 'fixtures', 'bank-files', 'camt');
const read = (name: string) => readFileSync(join(FIXTURES, name), 'utf8');

function parse(text: string, chunkSize?: number): ParsedFile {
  return parseText(createCamtParser, 'camt.053', text, { fileName: 'f.xml' }, chunkSize);
}

/** Parses whole and in chunks of 1, 7 and 4096 characters, which must all give the same document. */
function parseEveryWay(text: string): ParsedFile {
  const whole = parse(text);
  for (const size of [1, 7, 4096]) expect(parse(text, size)).toEqual(whole);
  return whole;
}

function errorOf(text: string, chunkSize?: number): AppError {
  try {
    parse(text, chunkSize);
  } catch (e) {
    if (isAppError(e)) return e;
    throw e;
  }
  throw new Error('expected the file to be refused');
}

/** The error, the same whatever the chunking; its code is always `bank_files.unreadable`. */
function unreadableMessage(text: string): string {
  const e = errorOf(text);
  expect(e.code).toBe('bank_files.unreadable');
  for (const size of [1, 7]) expect(errorOf(text, size).message).toBe(e.message);
  return e.message;
}

const NS053 = 'urn:iso:std:iso:20022:tech:xsd:camt.053.001.02';
const ACCT = '<Acct><Id><IBAN>NL26VAYB8060476890</IBAN></Id><Ccy>EUR</Ccy></Acct>';

/** A camt.053 message whose statement body is on line 7 (one line per argument after that). */
function camt053(body: string, options: { ns?: string; grpHdr?: string; record?: string } = {}): string {
  const record = options.record ?? 'Stmt';
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<Document xmlns="${options.ns ?? NS053}">`,
    '<BkToCstmrStmt>',
    `<GrpHdr><MsgId>M1</MsgId>${options.grpHdr ?? ''}</GrpHdr>`,
    `<${record}>`,
    '<Id>S1</Id>',
    body,
    `</${record}>`,
    '</BkToCstmrStmt>',
    '</Document>',
    '',
  ].join('\n');
}

const credit = (amount: string, more = '') =>
  `<Ntry><Amt Ccy="EUR">${amount}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>${more}</Ntry>`;

const balance = (code: string, amount: string, indicator = 'CRDT', ccy = 'EUR') =>
  `<Bal><Tp><CdOrPrtry><Cd>${code}</Cd></CdOrPrtry></Tp><Amt Ccy="${ccy}">${amount}</Amt><CdtDbtInd>${indicator}</CdtDbtInd></Bal>`;

describe('camt.053 statements', () => {
  it('reads every field of a statement, its entries, split transaction details and remittances', () => {
    const doc = parseEveryWay(read('statement-053-v08.xml'));
    const empty = {
      reference: null,
      booking_date: null,
      value_date: null,
      type_code: null,
      counterparty_name: null,
      counterparty_account: null,
      end_to_end_id: null,
      check_number: null,
      customer_reference: null,
      remittance_text: null,
      return_reason: null,
      reversal: false,
    };
    expect(doc).toEqual({
      format: 'camt.053',
      version: '001.08',
      statements: [
        {
          account: 'DE89370400440532013000',
          currency: 'EUR',
          opening_balance: '1000.00',
          closing_balance: '2274.50',
          entries: [
            {
              ...empty,
              reference: 'TXREF-1A',
              booking_date: '2026-11-02',
              value_date: '2026-11-03',
              amount: '1000.00',
              direction: 'credit',
              type_code: 'PMNT/RCDT/ESCT',
              counterparty_name: 'ACME Kliniken AG',
              counterparty_account: 'DE02120300000000202051',
              end_to_end_id: 'E2E-ACME-1001',
              remittance_text: 'Payment INV-1001 thank you INV-1001',
              line: 107,
            },
            {
              ...empty,
              reference: 'BANKREF-1',
              booking_date: '2026-11-02',
              value_date: '2026-11-03',
              amount: '500.00',
              direction: 'credit',
              type_code: 'PMNT/RCDT/ESCT',
              counterparty_name: 'ACME Holding',
              counterparty_account: '021000021:000123456789',
              end_to_end_id: 'E2E-ACME-1002',
              remittance_text: 'INV-1002 CN-7 RF18539007547034 net of credit note',
              line: 153,
            },
            {
              ...empty,
              reference: 'E2E-OUT-55',
              booking_date: '2026-11-02',
              value_date: '2026-11-03',
              amount: '25.50',
              direction: 'debit',
              type_code: 'CHK',
              counterparty_name: 'Office Supplies Ltd',
              counterparty_account: '87654321',
              end_to_end_id: 'E2E-OUT-55',
              check_number: '004711',
              remittance_text: 'PO-88',
              line: 235,
            },
            {
              ...empty,
              reference: 'BANKREF-3',
              booking_date: '2026-11-02',
              value_date: '2026-11-02',
              amount: '200.00',
              direction: 'debit',
              type_code: 'PMNT/RCDT/RRTN',
              counterparty_name: 'Former Customer & Sons',
              return_reason: 'AC04',
              reversal: true,
              line: 293,
            },
            {
              ...empty,
              reference: 'BANKREF-4',
              value_date: '2026-11-04',
              amount: '10.00',
              direction: 'credit',
              line: 337,
              // Sts PDNG: reported, but not money on the account yet.
              status: 'pending',
            },
          ],
        },
      ],
      remittances: [
        {
          id: 'TXREF-1A',
          payer: 'ACME Kliniken AG',
          payment_reference: 'TXREF-1A',
          payment_date: '2026-11-02',
          payment_amount: '1000.00',
          currency: 'EUR',
          lines: [
            {
              invoice_number: 'INV-1001',
              document_type: 'invoice',
              account: null,
              paid: '1000.00',
              gross: '1020.00',
              discount: '20.00',
              adjustments: [],
            },
          ],
          line: 107,
        },
        {
          id: 'BANKREF-1',
          payer: 'ACME Holding',
          payment_reference: 'BANKREF-1',
          payment_date: '2026-11-02',
          payment_amount: '500.00',
          currency: 'EUR',
          lines: [
            {
              invoice_number: 'INV-1002',
              document_type: 'invoice',
              account: null,
              paid: '550.00',
              gross: '600.00',
              discount: null,
              adjustments: [{ code: 'DMGD', amount: '-50.00' }],
            },
            {
              invoice_number: 'CN-7',
              document_type: 'credit_memo',
              account: null,
              paid: '-50.00',
              gross: null,
              discount: null,
              adjustments: [],
            },
          ],
          line: 153,
        },
      ],
      // Every control agrees: the summary counts the pending entry, the balances leave it out.
      warnings: [],
    });
  });

  it('warns for each control that disagrees, naming the stated and the computed value', () => {
    const doc = parseEveryWay(read('statement-053-v02-controls.xml'));
    expect(doc.format).toBe('camt.053');
    expect(doc.version).toBe('001.02');
    expect(doc.statements?.map((s) => [s.account, s.currency, s.opening_balance, s.closing_balance])).toEqual(
      [
        ['12345678', 'USD', '-100.00', '50.00'],
        ['GB33BUKB20201555555555', 'GBP', '10.00', '12.00'],
      ],
    );
    expect(
      doc.statements?.flatMap((s) => s.entries.map((e) => [e.amount, e.direction, e.booking_date])),
    ).toEqual([
      ['200.50', 'credit', null],
      ['49.50', 'debit', '2026-03-01'],
      ['2.005', 'credit', '2026-03-01'],
    ]);
    expect(doc.warnings).toEqual([
      { line: 65, message: 'booking date (BookgDt) "2026-02-30" is not a date (YYYY-MM-DD)' },
      {
        line: 46,
        message:
          'statement entry count (TxsSummry/TtlNtries/NbOfNtries) 3 differs from the number of its entries 2',
      },
      {
        line: 48,
        message:
          'statement net total (TxsSummry/TtlNtries/TtlNetNtry) 150.00 differs from the net of its entries (credits less debits) 151.00',
      },
      {
        line: 56,
        message:
          'statement debit count (TxsSummry/TtlDbtNtries/NbOfNtries) 2 differs from the number of its debit entries 1',
      },
      { line: 57, message: 'statement debit total (TxsSummry/TtlDbtNtries/Sum) "x9" is not a number' },
      {
        line: 32,
        message:
          'closing balance (CLBD) 50.00 differs from the opening balance (PRCD) -100.00 plus the booked entries 151.00: 51.00',
      },
      { line: 134, message: 'entry amount 2.005 has more decimals than GBP allows (2); kept as written' },
      // A closing balance in another currency: reported, and not reconciled.
      { line: 121, message: "CLBD balance is in EUR, the statement's currency is GBP" },
      {
        line: 8,
        message: 'message transaction count (GrpHdr/NbOfTxs) 5 differs from the number of its entries 3',
      },
    ]);
  });

  it('checks the net total with its direction, the sums as exact decimals, and an OPBD over a PRCD', () => {
    const summary =
      '<TxsSummry><TtlNtries><NbOfNtries>1</NbOfNtries><Sum>7.5</Sum><TtlNetNtry><Amt>7.50</Amt><CdtDbtInd>DBIT</CdtDbtInd></TtlNetNtry></TtlNtries></TxsSummry>';
    const debit = '<Ntry><Amt Ccy="EUR">7.50</Amt><CdtDbtInd>DBIT</CdtDbtInd></Ntry>';
    const body = `${ACCT}${balance('PRCD', '99.00')}${balance('OPBD', '10.00')}${balance('CLBD', '2.50')}${summary}${debit}`;
    const doc = parseEveryWay(camt053(body));
    expect(doc.warnings).toEqual([]);
    expect(doc.statements?.[0]).toMatchObject({ opening_balance: '10.00', closing_balance: '2.50' });
    const wrongDirection = body.replace(
      '<CdtDbtInd>DBIT</CdtDbtInd></TtlNetNtry>',
      '<CdtDbtInd>CRDT</CdtDbtInd></TtlNetNtry>',
    );
    expect(parse(camt053(wrongDirection)).warnings).toEqual([
      {
        line: 7,
        message:
          'statement net total (TxsSummry/TtlNtries/TtlNetNtry) 7.50 differs from the net of its entries (credits less debits) -7.50',
      },
    ]);
  });

  it('reads the statement currency from the first amount when the account has none, and flags an entry in another', () => {
    const noCcy = '<Acct><Id><Othr><Id>998877</Id></Othr></Id></Acct>';
    const doc = parse(
      camt053(
        `${noCcy}${balance('OPBD', '1.00', 'CRDT', 'CHF')}${balance('CLBD', '9.00', 'CRDT', 'CHF')}${credit('5.00')}`,
      ),
    );
    expect(doc.statements?.[0]).toMatchObject({ account: '998877', currency: 'CHF' });
    expect(doc.statements?.[0]?.entries[0]).toMatchObject({ amount: '5.00', currency: 'EUR' });
    // An entry in another currency than the balances: no reconciliation is attempted.
    expect(doc.warnings).toEqual([]);
    const empty = parse(camt053(noCcy));
    expect(empty.statements).toEqual([
      { account: '998877', currency: null, opening_balance: null, closing_balance: null, entries: [] },
    ]);
  });

  it('reports a balance that comes after the entries', () => {
    const doc = parse(camt053(`${ACCT}${credit('5.00')}${balance('CLBD', '5.00')}`));
    expect(doc.statements?.[0]).toMatchObject({ closing_balance: '5.00', entries: [{ amount: '5.00' }] });
  });

  it('warns about balances it cannot use and reads them as far as it can', () => {
    const noIndicator = '<Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">1.00</Amt></Bal>';
    const noAmount = '<Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><CdtDbtInd>CRDT</CdtDbtInd></Bal>';
    const doc = parse(
      camt053(`${ACCT}${noIndicator}${noAmount}${balance('CLBD', 'ten')}${balance('CLBD', '-3.00', 'XXXX')}`),
    );
    expect(doc.statements?.[0]).toMatchObject({ opening_balance: '1.00', closing_balance: '3.00' });
    expect(doc.warnings.map((w) => w.message)).toEqual([
      'OPBD balance without CdtDbtInd; taken as a credit balance',
      'CLBD balance without an amount',
      'CLBD balance "ten" is not an amount',
      'CLBD balance -3.00 is negative; its sign is CdtDbtInd',
      'CLBD balance CdtDbtInd "XXXX" is neither CRDT nor DBIT; taken as a credit balance',
      'closing balance (CLBD) 3.00 differs from the opening balance (OPBD) 1.00 plus the booked entries 0.00: 1.00',
    ]);
  });

  it('takes the date part of a date and time as written, and warns about dates it cannot read', () => {
    const dates =
      '<BookgDt><DtTm>2026-12-31T23:59:59-08:00</DtTm></BookgDt><ValDt><DtTm>31.12.2026 10:00</DtTm></ValDt>';
    const doc = parse(camt053(`${ACCT}${credit('1.00', dates)}`));
    expect(doc.statements?.[0]?.entries[0]).toMatchObject({ booking_date: '2026-12-31', value_date: null });
    expect(doc.warnings).toEqual([
      { line: 7, message: 'value date (ValDt) "31.12.2026 10:00" is not a date and time' },
    ]);
  });

  it('warns when the namespace, the message and its records disagree, and reads what the elements say', () => {
    const ns = 'urn:iso:std:iso:20022:tech:xsd:camt.054.001.04';
    const doc = parse(camt053(`${ACCT}${credit('1.00')}`, { ns, record: 'Rpt' }));
    expect([doc.format, doc.version]).toEqual(['camt.053', '001.04']);
    expect(doc.warnings).toEqual([
      {
        line: 3,
        message:
          'namespace camt.054.001.04 does not match the message BkToCstmrStmt (camt.053); read as camt.053',
      },
      { line: 5, message: 'BkToCstmrStmt holds a <Rpt> where the schema has <Stmt>; read as a Stmt' },
    ]);
  });

  it('reads a message count a bank adds to the group header', () => {
    const ok = parse(camt053(`${ACCT}${credit('1.00')}`, { grpHdr: '<NbOfTxs>1</NbOfTxs>' }));
    expect(ok.warnings).toEqual([]);
    const bad = parse(camt053(`${ACCT}${credit('1.00')}`, { grpHdr: '<NbOfTxs>one</NbOfTxs>' }));
    expect(bad.warnings).toEqual([
      { line: 4, message: 'message transaction count (GrpHdr/NbOfTxs) "one" is not a number' },
    ]);
  });
});

describe('camt.054 notifications with batches', () => {
  it('splits a batch into its transaction details, warning about each control that disagrees', () => {
    const doc = parseEveryWay(read('notification-054-v04-batches.xml'));
    expect([doc.format, doc.version]).toEqual(['camt.054', '001.04']);
    const st = doc.statements?.[0];
    expect(st).toMatchObject({
      account: 'CH9300762011623852957',
      currency: 'CHF',
      opening_balance: null,
      closing_balance: null,
    });
    expect(
      st?.entries.map((e) => [
        e.line,
        e.amount,
        e.direction,
        e.reference,
        e.end_to_end_id,
        e.counterparty_name,
        e.remittance_text,
      ]),
    ).toEqual([
      [42, '40.00', 'credit', 'CH-TX-1', null, 'Payer One', null],
      [53, '35.00', 'credit', 'CH-TX-2', null, 'Payer Two', null],
      [69, '25.00', 'credit', 'CH-TX-3', null, 'Late Payer', 'no amount given'],
      [97, '50.00', 'credit', 'CH-BATCH-2', 'E2E-B2-1', null, null],
      [103, '30.00', 'credit', 'CH-BATCH-2', 'E2E-B2-2', null, null],
      [111, '60.00', 'credit', 'E2E-B3-1', 'E2E-B3-1', null, 'first part second part'],
      [146, '40.00', 'credit', 'CH-BATCH-4', 'E2E-B4-1', null, null],
      [160, '30.00', 'credit', 'CH-BATCH-4', 'E2E-B4-2', null, null],
    ]);
    expect(
      st?.entries.every(
        (e) => e.type_code === (e.line !== undefined && e.line < 90 ? 'PMNT/RCDT/VCOM' : null),
      ),
    ).toBe(true);
    expect(doc.warnings).toEqual([
      {
        line: 53,
        message:
          "transaction detail CdtDbtInd DBIT contradicts its entry's CRDT (line 17); reported as a credit",
      },
      {
        line: 39,
        message:
          'batch transaction count (Btch/NbOfTxs) 4 differs from the number of its transaction details 3',
      },
      {
        line: 69,
        message:
          '1 transaction detail of the entry at line 17 without an amount; reported as one entry of the remainder 25.00',
      },
      {
        line: 95,
        message: 'batch total (Btch/TtlAmt) 90.00 differs from the sum of its transaction details 80.00',
      },
      { line: 84, message: 'entry amount 90.00 differs from the sum of its 2 transaction details 80.00' },
      {
        line: 111,
        message:
          "entry of 60.00 has 2 transaction details, not each with an amount of its own; reported as one entry with the first one's references",
      },
    ]);
  });

  it('drops transaction details without an amount when nothing of the entry is left for them', () => {
    const tx = (amount: string) =>
      `<TxDtls>${amount === '' ? '' : `<Amt Ccy="EUR">${amount}</Amt>`}</TxDtls>`;
    const doc = parse(
      camt053(`${ACCT}${credit('10.00', `<NtryDtls>${tx('4.00')}${tx('6.00')}${tx('')}</NtryDtls>`)}`),
    );
    expect(doc.statements?.[0]?.entries.map((e) => e.amount)).toEqual(['4.00', '6.00']);
    expect(doc.warnings.map((w) => w.message)).toEqual([
      "1 transaction detail of the entry at line 7 without an amount, and nothing of the entry's amount left for them; not reported",
    ]);
  });

  it('treats a transaction amount it cannot read as absent', () => {
    const details =
      '<NtryDtls><TxDtls><Amt Ccy="EUR">1,2,3</Amt></TxDtls><TxDtls><Amt Ccy="EUR">4.00</Amt></TxDtls></NtryDtls>';
    const doc = parse(camt053(`${ACCT}${credit('10.00', details)}`));
    expect(doc.statements?.[0]?.entries.map((e) => e.amount)).toEqual(['10.00']);
    expect(doc.warnings.map((w) => w.message)).toEqual([
      'transaction amount "1,2,3" is not an amount',
      "entry of 10.00 has 2 transaction details, not each with an amount of its own; reported as one entry with the first one's references",
    ]);
  });
});

describe('structured remittance', () => {
  const withStrd = (strd: string, direction = 'CRDT') =>
    camt053(
      `${ACCT}<Ntry><Amt Ccy="EUR">90.00</Amt><CdtDbtInd>${direction}</CdtDbtInd><AcctSvcrRef>R1</AcctSvcrRef><NtryDtls><TxDtls><RmtInf>${strd}</RmtInf></TxDtls></NtryDtls></Ntry>`,
    );

  it('reports a credit note by its CdtNoteAmt, and a v2 discount written directly', () => {
    const doc = parse(
      withStrd(
        '<Strd><RfrdDocInf><Tp><CdOrPrtry><Cd>CREN</Cd></CdOrPrtry></Tp><Nb>CN-1</Nb></RfrdDocInf><RfrdDocAmt><CdtNoteAmt Ccy="EUR">10</CdtNoteAmt></RfrdDocAmt></Strd>' +
          '<Strd><RfrdDocInf><Tp><CdOrPrtry><Cd>DEBN</Cd></CdOrPrtry></Tp><Nb>DN-1</Nb></RfrdDocInf><RfrdDocAmt><DuePyblAmt Ccy="EUR">100</DuePyblAmt><DscntApldAmt Ccy="EUR">2</DscntApldAmt><AdjstmntAmtAndRsn><Amt Ccy="EUR">1.00</Amt><CdtDbtInd>CRDT</CdtDbtInd></AdjstmntAmtAndRsn></RfrdDocAmt></Strd>',
      ),
    );
    expect(doc.remittances).toEqual([
      {
        id: 'R1',
        payer: null,
        payment_reference: 'R1',
        payment_date: null,
        payment_amount: '90.00',
        currency: 'EUR',
        lines: [
          {
            invoice_number: 'CN-1',
            document_type: 'credit_memo',
            account: null,
            paid: '-10.00',
            gross: null,
            discount: null,
            adjustments: [],
          },
          {
            invoice_number: 'DN-1',
            document_type: null,
            account: null,
            paid: '100.00',
            gross: '100.00',
            discount: '2.00',
            adjustments: [{ code: '', amount: '1.00' }],
          },
        ],
        line: 7,
      },
    ]);
    expect(doc.warnings).toEqual([]);
  });

  it('uses the creditor reference when no document number is given, and warns about what it cannot report', () => {
    const doc = parse(
      withStrd(
        '<Strd><RfrdDocAmt><RmtdAmt Ccy="EUR">5</RmtdAmt></RfrdDocAmt><CdtrRefInf><Ref>RF71</Ref></CdtrRefInf></Strd>' +
          '<Strd><RfrdDocAmt><RmtdAmt Ccy="EUR">5</RmtdAmt></RfrdDocAmt></Strd>' +
          '<Strd><RfrdDocInf><Nb>A-1</Nb></RfrdDocInf><RfrdDocInf><Nb>A-2</Nb></RfrdDocInf><RfrdDocAmt><RmtdAmt Ccy="EUR">9</RmtdAmt></RfrdDocAmt></Strd>' +
          '<Strd><RfrdDocInf><Nb>B-1</Nb></RfrdDocInf><RfrdDocAmt><DscntApldAmt><Amt Ccy="EUR">1</Amt></DscntApldAmt></RfrdDocAmt></Strd>' +
          '<Strd><RfrdDocInf><Nb>C-1</Nb></RfrdDocInf><RfrdDocAmt><RmtdAmt Ccy="EUR">lots</RmtdAmt><DuePyblAmt Ccy="EUR">3</DuePyblAmt><AdjstmntAmtAndRsn><Amt Ccy="EUR">?</Amt><Rsn>X</Rsn></AdjstmntAmtAndRsn></RfrdDocAmt></Strd>',
      ),
    );
    expect(doc.remittances?.[0]?.lines.map((l) => [l.invoice_number, l.paid, l.adjustments])).toEqual([
      ['RF71', '5.00', []],
      ['A-1', '9.00', []],
      ['C-1', '3.00', []],
    ]);
    expect(doc.statements?.[0]?.entries[0]?.remittance_text).toBe('RF71 A-1 A-2 B-1 C-1');
    expect(doc.warnings.map((w) => w.message)).toEqual([
      'structured remittance with amounts (RfrdDocAmt) but no document number (RfrdDocInf/Nb) or creditor reference; not reported as a remittance line',
      'structured remittance gives one amount for 2 documents (A-1, A-2); reported on A-1',
      'structured remittance for B-1 without a remitted or due amount; not reported as a remittance line',
      'remittance RmtdAmt "lots" is not an amount',
      'remittance adjustment "?" is not an amount',
    ]);
  });

  it('reports no remittance advice for a debit, whose remittance describes a payment made', () => {
    const doc = parse(
      withStrd(
        '<Strd><RfrdDocInf><Nb>PO-1</Nb></RfrdDocInf><RfrdDocAmt><RmtdAmt Ccy="EUR">90</RmtdAmt></RfrdDocAmt></Strd>',
        'DBIT',
      ),
    );
    expect(doc.remittances).toBeUndefined();
    expect(doc.statements?.[0]?.entries[0]).toMatchObject({ direction: 'debit', remittance_text: 'PO-1' });
  });
});

describe('other camt versions and layouts', () => {
  it('reads camt.052.001.01 names: the V01 message, PrtryAcct, Tp/Cd, TxDtls under Ntry, RtrRsn, RfrdDocNb', () => {
    const doc = parseEveryWay(read('report-052-v01.xml'));
    expect(doc).toEqual({
      format: 'camt.052',
      version: '001.01',
      statements: [
        {
          account: 'ACC-778899',
          currency: 'JPY',
          opening_balance: '5000',
          closing_balance: '15000',
          entries: [
            {
              reference: 'JP-REF-1',
              booking_date: '2026-06-01',
              value_date: '2026-06-01',
              amount: '10000',
              direction: 'credit',
              type_code: 'FURIKOMI',
              counterparty_name: 'Yamada Shoji KK',
              counterparty_account: 'JPZGN0001:1234567',
              end_to_end_id: 'JP-E2E-1',
              check_number: null,
              customer_reference: null,
              remittance_text: 'JP-INV-9',
              return_reason: 'NONE',
              reversal: false,
              line: 48,
            },
          ],
        },
      ],
      remittances: [
        {
          id: 'JP-REF-1',
          payer: 'Yamada Shoji KK',
          payment_reference: 'JP-REF-1',
          payment_date: '2026-06-01',
          payment_amount: '10000',
          currency: 'JPY',
          lines: [
            {
              invoice_number: 'JP-INV-9',
              document_type: 'invoice',
              account: null,
              paid: '10000',
              gross: null,
              discount: null,
              adjustments: [],
            },
          ],
          line: 67,
        },
      ],
      warnings: [],
    });
  });

  it('reads a document without a namespace inside a wrapper, its version from the application header', () => {
    const doc = parseEveryWay(read('wrapped-no-namespace.xml'));
    expect([doc.format, doc.version]).toEqual(['camt.052', '001.02']);
    expect(doc.statements?.[0]).toMatchObject({ account: 'FR1420041010050500013M02606', currency: 'EUR' });
    expect(doc.statements?.[0]?.entries).toEqual([
      expect.objectContaining({
        reference: 'FR-REF-1',
        amount: '1234.50',
        booking_date: '2026-07-01',
        counterparty_name: 'Café <Les Amis> "SARL" \'Paris\'',
        remittance_text: 'Facture <F-2026-001> & avoir paiement partiel',
        line: 26,
      }),
    ]);
    expect(doc.warnings).toEqual([]);
  });

  it('gives null for the version when neither a namespace nor a header names it', () => {
    const doc = parse(camt053(`${ACCT}${credit('1.00')}`, { ns: 'urn:example:not-camt' }));
    expect([doc.format, doc.version]).toEqual(['camt.053', null]);
  });

  it('tolerates a byte-order mark', () => {
    const doc = parse(`\uFEFF${camt053(`${ACCT}${credit('1.00')}`)}`);
    expect(doc.statements?.[0]?.entries).toHaveLength(1);
  });
});

describe('files that cannot be read', () => {
  it.each([
    [
      'a BAI2 file',
      '01,122099999,123456789,150623,2359,1,80,1,2/\n',
      'f.xml:1: not well-formed XML: not XML: text "01,122099999,123456789,1…" outside the root element',
    ],
    [
      'mismatched tags',
      camt053(`${ACCT}</Acct>`),
      'f.xml:7: not well-formed XML: end tag </Acct> does not match <Stmt> opened at line 5',
    ],
    [
      'an unknown entity',
      camt053(`${ACCT}<Ntry><Amt Ccy="EUR">&euro;1</Amt></Ntry>`),
      'f.xml:7: not well-formed XML: unknown entity &euro;',
    ],
    [
      'another ISO 20022 message',
      '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.03">\n<CstmrCdtTrfInitn/></Document>',
      'f.xml:2: the Document holds <CstmrCdtTrfInitn>, not a camt.052/053/054 message (BkToCstmrAcctRpt, BkToCstmrStmt, BkToCstmrDbtCdtNtfctn)',
    ],
    [
      'an XML file of another kind',
      '<?xml version="1.0"?>\n<OFX><BANKMSGSRSV1/></OFX>\n',
      'f.xml: no camt.052/053/054 message in this XML document (BkToCstmrAcctRpt, BkToCstmrStmt or BkToCstmrDbtCdtNtfctn)',
    ],
    [
      'a message without a statement',
      '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">\n  <BkToCstmrStmt>\n<GrpHdr/></BkToCstmrStmt></Document>',
      'f.xml:2: BkToCstmrStmt holds no Stmt: the ISO 20022 schema requires at least one (Stmt minOccurs 1), so there is nothing to read',
    ],
    [
      'a statement without an account',
      camt053(credit('1.00')),
      'f.xml:5: statement (Stmt) without an account identification (Acct/Id/IBAN or Acct/Id/Othr/Id)',
    ],
    [
      'an entry without an amount',
      camt053(`${ACCT}<Ntry><CdtDbtInd>CRDT</CdtDbtInd></Ntry>`),
      'f.xml:7: entry (Ntry) without an amount (Amt)',
    ],
    [
      'an entry amount that is not a number',
      camt053(`${ACCT}${credit('12.3.4')}`),
      'f.xml:7: entry amount "12.3.4" is not an amount',
    ],
    [
      'a negative entry amount',
      camt053(`${ACCT}${credit('-5.00')}`),
      'f.xml:7: entry amount -5.00 is negative; ISO 20022 amounts are positive, the sign is CdtDbtInd',
    ],
    [
      'an entry without a direction',
      camt053(`${ACCT}<Ntry><Amt Ccy="EUR">1</Amt></Ntry>`),
      'f.xml:7: entry (Ntry) without a credit/debit indicator (CdtDbtInd)',
    ],
    [
      'an entry with a bad direction',
      camt053(`${ACCT}<Ntry><Amt Ccy="EUR">1</Amt><CdtDbtInd>C</CdtDbtInd></Ntry>`),
      'f.xml:7: entry (Ntry) credit/debit indicator "C" is neither CRDT nor DBIT',
    ],
  ])('refuses %s', (_what, text, message) => {
    expect(unreadableMessage(text)).toBe(message);
  });

  it('refuses a truncated statement, naming the element left open', () => {
    const text = read('statement-053-v08.xml');
    const cut = text.slice(0, text.indexOf('25.50</Amt>') + 2);
    expect(unreadableMessage(cut)).toBe(
      'f.xml:236: not well-formed XML: unexpected end of file inside <Amt> (opened at line 236)',
    );
  });
});
