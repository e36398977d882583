import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../core/errors.ts';
import type { AchEntry, ParsedFile } from '../model.ts';
import { parseText } from '../parse-text.ts';
import {
  achEntryDetails,
  createNachaParser,
  type NachaAchEntry,
  type NachaBatchHeader,
  type NachaFileControl,
  type NachaFileHeader,
  type NachaParserOptions,
} from './nacha.ts';

const FIXTURES = join(import.meta.dirname, '..', '..', '..', '..', 'test', 'fixtures', 'bank-files', 'nacha');
const read = (name: string) => readFileSync(join(FIXTURES, name), 'utf8');

/** Parses; warnings keep line and message (their severity is asserted on its own, below). */
function parse(text: string, chunkSize?: number, options: Partial<NachaParserOptions> = {}): ParsedFile {
  const doc = parseWithSeverity(text, chunkSize, options);
  return { ...doc, warnings: doc.warnings.map(({ line, message }) => ({ line, message })) };
}

function parseWithSeverity(
  text: string,
  chunkSize?: number,
  options: Partial<NachaParserOptions> = {},
): ParsedFile {
  return parseText(createNachaParser, 'nacha', text, { fileName: 'test.ach', ...options }, chunkSize);
}

function entries(doc: ParsedFile): NachaAchEntry[] {
  return (doc.ach?.entries ?? []) as NachaAchEntry[];
}

function unreadableError(text: string, chunkSize?: number): AppError {
  try {
    parse(text, chunkSize);
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error('expected bank_files.unreadable');
}

const pad = (s: string) => s.padEnd(94, ' ');

describe('NACHA: payments (PPD, CCD+, CTX)', () => {
  const text = read('payments.ach');

  it('reads every entry with its spec section 4 fields and no warnings', () => {
    const doc = parse(text);
    expect(doc.warnings).toEqual([]);
    expect(doc.version).toBe('1');
    expect(doc.ach?.batches).toBe(3);
    const es = entries(doc);
    expect(es.map((e) => [e.trace, e.transaction_code, e.direction, e.amount])).toEqual([
      ['121042880000001', '22', 'credit', '2500.00'],
      ['121042880000002', '27', 'debit', '25.36'],
      ['121042880000003', '32', 'credit', '10.00'],
      ['121042880000004', '23', 'credit', '0.00'],
      ['121042880000005', '28', 'debit', '0.00'],
      ['121042880000006', '24', 'credit', '0.00'],
      ['121042880000007', '47', 'debit', '1.23'],
      ['121042880000008', '52', 'credit', '999.99'],
      ['121042880000009', '55', 'debit', '5.00'],
      ['121042880000010', '22', 'credit', '1234.56'],
      ['121042880000011', '22', 'credit', '3000.00'],
    ]);
    expect(es[0]).toEqual({
      trace: '121042880000001',
      amount: '2500.00',
      direction: 'credit',
      name: 'ALICE EXAMPLE',
      // RDFI routing with its check digit, then the DFI account: inner blanks kept, padding dropped.
      account: '231380104:12 345 678',
      return_code: null,
      noc_code: null,
      corrected_data: null,
      addenda: ['SALARY APRIL 2026 / REF 42'],
      line: 3,
      transaction_code: '22',
      sec_code: 'PPD',
      company_name: 'ARBOR TEST CO',
      company_id: '1234567890',
      company_entry_description: 'PAYROLL',
      effective_date: '2026-04-03',
      individual_id: 'EMP-001',
      check_serial_number: null,
      dfi_account: '12 345 678       ',
      original_trace: null,
      return_codes: [],
      return_information: null,
      addenda_types: ['05'],
    });
    expect(es[1]).toMatchObject({
      name: 'BOB DEBTOR',
      individual_id: 'CUST-77',
      account: '091000019:987654321',
    });
    expect(es[2]?.individual_id).toBeNull();
    expect(es[5]?.addenda).toEqual(['ZERO DOLLAR REMITTANCE']);
    expect(es[9]).toMatchObject({
      sec_code: 'CCD',
      company_name: 'BUYER INC',
      effective_date: '2026-04-04',
      addenda: ['RMR*IV*INV-1001*1234.56\\'],
      line: 16,
    });
    // CTX: the receiving company is in 59-74; an X12 820 spread over addenda stays in order, each
    // addendum's 80 characters right-trimmed.
    expect(es[10]).toMatchObject({
      name: 'ARBOR RECEIVABL',
      individual_id: 'VENDOR-9',
      addenda_types: ['05', '05', '05'],
    });
    expect(es[10]?.addenda).toEqual([
      'ISA*00*          *00*          *ZZ*BIGBUYER       *ZZ*ARBOR          *2604',
      '05*1200*U*00401*000000001*0*P*>\\GS*RA*BIGBUYER*ARBOR*20260405*1200*1*X*00401',
      '0\\ST*820*0001\\BPR*C*3000*C*ACH*CTX\\RMR*IV*INV-2001**3000\\SE*4*0001\\',
    ]);
  });

  it('reports the file header, each batch header and the file control to the option callbacks', () => {
    const headers: NachaFileHeader[] = [];
    const batches: NachaBatchHeader[] = [];
    const controls: NachaFileControl[] = [];
    parse(text, undefined, {
      onFileHeader: (h) => headers.push(h),
      onBatchHeader: (b) => batches.push(b),
      onFileControl: (c) => controls.push(c),
    });
    expect(headers).toEqual([
      {
        line: 1,
        priority_code: '01',
        immediate_destination: '231380104',
        immediate_origin: '121042882',
        creation_date: '2026-04-03',
        creation_time: '17:35',
        file_id_modifier: 'A',
        record_size: '094',
        blocking_factor: '10',
        format_code: '1',
        immediate_destination_name: 'FEDERAL RESERVE BANK',
        immediate_origin_name: 'ARBOR TEST BANK',
        reference_code: 'REF00001',
      },
    ]);
    expect(batches[0]).toEqual({
      line: 2,
      service_class_code: '200',
      company_name: 'ARBOR TEST CO',
      company_discretionary_data: 'DISCRETIONARY DATA',
      company_id: '1234567890',
      sec_code: 'PPD',
      company_entry_description: 'PAYROLL',
      company_descriptive_date: 'APR 26',
      effective_date: '2026-04-03',
      originator_status_code: '1',
      odfi: '12104288',
      batch_number: '0000001',
    });
    expect(batches.map((b) => b.sec_code)).toEqual(['PPD', 'CCD', 'CTX']);
    expect(controls).toEqual([
      {
        line: 25,
        batch_count: 3,
        block_count: 3,
        entry_addenda_count: 17,
        entry_hash: '0140231188',
        total_debit: '31.59',
        total_credit: '7744.55',
      },
    ]);
  });

  it('gives the same result whatever the chunking', () => {
    const whole = JSON.stringify(parse(text));
    for (const size of [1, 7, 93, 94, 95, 4096]) expect(JSON.stringify(parse(text, size))).toBe(whole);
  });

  it('reads LF, CRLF, lone CR, no final line break and no line breaks at all alike', () => {
    const whole = JSON.stringify(parse(text));
    const lines = text.split('\n').filter((l) => l !== '');
    for (const variant of [lines.join('\r\n'), `${lines.join('\r')}\r`, lines.join('\n'), `\ufeff${text}`])
      for (const size of [1, 7, 4096]) expect(JSON.stringify(parse(variant, size))).toBe(whole);
    // Without line breaks each record is numbered as the line it would be.
    const fixed = read('payments-fixed.ach');
    expect(fixed).not.toMatch(/[\r\n]/);
    for (const size of [1, 7, 4096]) expect(JSON.stringify(parse(fixed, size))).toBe(whole);
  });
});

describe('NACHA: returns and notifications of change', () => {
  const doc = parse(read('returns.ach'));

  it('reads return reason codes, dishonored and contested returns, and NOCs with corrected data', () => {
    expect(doc.warnings).toEqual([]);
    expect(doc.ach?.batches).toBe(2);
    expect(
      entries(doc).map((e) => [
        e.trace,
        e.direction,
        e.amount,
        e.return_code,
        e.noc_code,
        e.corrected_data,
        e.original_trace,
        e.return_information,
        e.sec_code,
      ]),
    ).toEqual([
      [
        '121042880000101',
        'debit',
        '25.36',
        'R01',
        null,
        null,
        '121042880000002',
        'INSUFFICIENT FUNDS',
        'PPD',
      ],
      // R61-R69: a dishonored return, its information in positions 59-79.
      ['121042880000102', 'credit', '2500.00', 'R69', null, null, '121042880000001', 'FIELD ERRORS', 'PPD'],
      // R70-R77: a contested dishonored return, whose positions 22-78 hold dates and traces.
      ['121042880000103', 'debit', '10.00', 'R71', null, null, '121042880000003', null, 'PPD'],
      ['121042880000104', 'credit', '0.00', null, 'C01', '55555-CORRECTED', '121042880000004', null, 'COR'],
      ['121042880000105', 'debit', '0.00', null, 'C05', '32', '121042880000002', null, 'COR'],
    ]);
    expect(entries(doc)[0]?.return_codes).toEqual(['R01']);
    // A COR batch often has no effective date (zeros): null, and no warning.
    expect(entries(doc)[3]?.effective_date).toBeNull();
  });

  it('keeps every return code of an entry with several, warns, and keeps the first NOC', () => {
    const odd = entries(parse(read('odd-records.ach')));
    const e = odd.find((x) => x.trace === '121042880000508');
    expect(e).toMatchObject({
      return_code: 'R01',
      return_codes: ['R01', 'R02'],
      noc_code: 'C01',
      corrected_data: 'NEW-ACCT',
      addenda_types: ['42', '99', '99', '98', '98'],
    });
  });
});

describe('NACHA: SEC codes that place fields differently', () => {
  it('reads the name, identification and check serial number where each SEC code puts them', () => {
    const doc = parse(read('sec-layouts.ach'));
    expect(doc.warnings).toEqual([]);
    expect(doc.ach?.batches).toBe(10);
    expect(
      entries(doc).map((e) => [e.sec_code, e.name, e.individual_id, e.check_serial_number, e.original_trace]),
    ).toEqual([
      ['CIE', 'JANE CONSUMER', 'BILLER-REF-123', null, null],
      ['MTE', 'JOE CARDHOLDER', '4000123412341234', null, null],
      ['POS', 'PAT SHOPPER', 'CARD-ID-1', null, null],
      ['SHR', null, null, null, null],
      ['ARC', 'LOCKBOX PAYER', null, '000000001234', null],
      ['POP', 'POINT OF PURCHASE', null, '000005678', null],
      ['XCK', null, null, '000000009999', null],
      ['ACK', 'ACKNOWLEDGING CO', null, null, '121042880000010'],
      ['ATX', 'ACKNOWLEDGING CO', null, null, '121042880000011'],
      ['ENR', 'ENROLLEE NAME', null, null, null],
    ]);
    // Addenda 02 (terminal data) is counted but carries no payment information.
    expect(entries(doc).map((e) => [e.addenda_types, e.addenda.length])).toEqual([
      [['05'], 1],
      [['02'], 0],
      [['02'], 0],
      [['02'], 0],
      [[], 0],
      [[], 0],
      [[], 0],
      [[], 0],
      [['05'], 1],
      [['05'], 1],
    ]);
  });

  it('reads an IAT entry: foreign account, receiver and originator from addenda 10 and 11, remittance 17', () => {
    const doc = parse(read('iat.ach'));
    expect(doc.warnings).toEqual([]);
    expect(entries(doc)).toHaveLength(1);
    expect(entries(doc)[0]).toMatchObject({
      trace: '121042880000301',
      amount: '1000.00',
      direction: 'credit',
      name: 'RECEIVER CORPORATION',
      account: '231380104:IAT-ACCOUNT-0001',
      company_name: 'ORIGINATOR LTD',
      company_id: '1234567890',
      sec_code: 'IAT',
      effective_date: '2026-04-08',
      addenda: ['INVOICE 5001 AND 5002'],
      addenda_types: ['10', '11', '12', '13', '14', '15', '16', '17', '18'],
    });
  });

  it('reads an ADV file: 12-digit amounts, odd codes credit, even codes debit, 20-digit control totals', () => {
    const controls: NachaFileControl[] = [];
    const doc = parse(read('adv.ach'), undefined, { onFileControl: (c) => controls.push(c) });
    expect(doc.warnings).toEqual([]);
    expect(entries(doc).map((e) => [e.transaction_code, e.direction, e.amount, e.name, e.account])).toEqual([
      ['81', 'credit', '123456789.01', 'CREDIT ADVICE', '231380104:ADV-ACCT-1'],
      ['82', 'debit', '2.50', 'DEBIT ADVICE', '231380104:ADV-ACCT-1'],
    ]);
    expect(controls[0]).toMatchObject({ total_debit: '2.50', total_credit: '123456789.01' });
  });

  it('sums amounts past 2^53 cents exactly and keeps the ten low digits of the entry hash', () => {
    // 10,000 ADV entries of 9,999,999,999.99: 9,999,999,999,990,000 cents, beyond Number's exact range
    // (2^53 = 9,007,199,254,740,992); their entry hash 999,999,990,000 keeps its ten low digits.
    const n = 10_000;
    const rdfi = '99999999';
    const check = String((10 - ((9 * 3 + 9 * 7 + 9 + 9 * 3 + 9 * 7 + 9 + 9 * 3 + 9 * 7) % 10)) % 10);
    const lines = [
      pad('101 231380104 1210428822604031735A094101FED'),
      `5280${'BIG ADVICES'.padEnd(16)}${''.padEnd(20)}1212121212ADVACCOUNTING${''.padEnd(6)}260409   0121042880000001`,
    ];
    expect(lines.every((l) => l.length === 94)).toBe(true);
    for (let i = 0; i < n; i++)
      lines.push(
        `681${rdfi}${check}${'ADV'.padEnd(15)}999999999999${'231380104'}FILE1 ${'BIG'.padEnd(22)}  012104288099${String(i % 10000).padStart(4, '0')}`,
      );
    const total = 999999999999n * BigInt(n);
    const hash = String((99999999 * n) % 1e10).padStart(10, '0');
    lines.push(
      `8280${String(n).padStart(6, '0')}${hash}${'0'.repeat(20)}${total.toString().padStart(20, '0')}${''.padEnd(19)}121042880000001`,
    );
    const records = lines.length + 1;
    const fileControl = (credit: bigint) =>
      pad(
        `9000001${String(Math.ceil(records / 10)).padStart(6, '0')}${String(n).padStart(8, '0')}${hash}${'0'.repeat(20)}${credit.toString().padStart(20, '0')}`,
      );
    const good = parse([...lines, fileControl(total)].join('\n'), 65536);
    expect(good.warnings).toEqual([]);
    expect(good.ach?.entries).toHaveLength(n);
    const bad = parse([...lines, fileControl(total + 1n)].join('\n'), 65536);
    expect(bad.warnings).toEqual([
      {
        line: records,
        message:
          "file control total credit 99999999999900.01 differs from the sum of the file's credit entries 99999999999900.00",
      },
    ]);
  });
});

describe('NACHA: controls', () => {
  it('recomputes every batch and file control and names the stated and the computed value', () => {
    const doc = parse(read('bad-controls.ach'));
    expect(entries(doc).map((e) => e.amount)).toEqual(['10.00', '20.00']);
    expect(doc.warnings).toEqual([
      { line: 5, message: "batch control service class code 225 differs from the batch header's 220" },
      {
        line: 5,
        message:
          'batch control entry/addenda count 3 differs from the 2 entry and addenda records in the batch',
      },
      {
        line: 5,
        message:
          "batch control entry hash 0000000001 differs from the computed 0032238011 (the sum of the entries' receiving DFI numbers)",
      },
      {
        line: 5,
        message: "batch control total debit 0.05 differs from the sum of the batch's debit entries 0.00",
      },
      {
        line: 5,
        message: "batch control total credit 29.99 differs from the sum of the batch's credit entries 30.00",
      },
      {
        line: 5,
        message:
          'batch control company identification "3333333334" differs from the batch header\'s "3333333333"',
      },
      {
        line: 5,
        message: 'batch control originating DFI "99999999" differs from the batch header\'s "12104288"',
      },
      { line: 5, message: 'batch control batch number "0000009" differs from the batch header\'s "0000001"' },
      { line: 6, message: 'file control batch count 2 differs from the 1 batch header records in the file' },
      {
        line: 6,
        message:
          'file control entry/addenda count 7 differs from the 2 entry and addenda records in the file',
      },
      {
        line: 6,
        message:
          "file control entry hash 0000012345 differs from the computed 0032238011 (the sum of the entries' receiving DFI numbers)",
      },
      {
        line: 6,
        message: "file control total debit 1.00 differs from the sum of the file's debit entries 0.00",
      },
      {
        line: 6,
        message: "file control total credit 30.01 differs from the sum of the file's credit entries 30.00",
      },
      {
        line: 6,
        message: "file control block count 5 differs from the 1 blocks of ten for the file's 6 records",
      },
    ]);
  });

  it('reads files with missing control records, entries outside batches and stray addenda (issue 751)', () => {
    const doc = parse(read('missing-controls.ach'));
    expect(doc.version).toBeNull();
    expect(doc.ach?.batches).toBe(2);
    expect(entries(doc).map((e) => [e.trace, e.account, e.dfi_account, e.return_code, e.sec_code])).toEqual([
      ['121042880000601', '231380104:LOOSE-1', 'LOOSE-1          ', null, null],
      ['121042880000602', '091000019:82111184', '82111184         ', 'R01', 'WEB'],
      ['121042880000603', '091000019:0110', '0110             ', 'R03', 'WEB'],
    ]);
    expect(doc.warnings).toEqual([
      {
        line: 1,
        message: 'the file does not begin with a file header record (type 1) but with a type 6 record',
      },
      { line: 1, message: 'entry detail record outside a batch (no batch header before it)' },
      // The batch control on line 2 matches the headerless entry, so it raises nothing.
      { line: 3, message: 'skipped 1 addenda record(s) with no entry detail record before them: 99 R03' },
      {
        line: 7,
        message: 'the batch that begins at line 4 has no batch control record; its totals are not checked',
      },
      {
        line: null,
        message: 'the batch that begins at line 7 has no batch control record; its totals are not checked',
      },
      { line: null, message: 'the file has no file control record (type 9); its totals are not checked' },
    ]);
  });

  it('checks each of several files in one text on its own, and flags records after a file control', () => {
    const doc = parse(read('two-files.ach'));
    expect(entries(doc).map((e) => e.trace)).toEqual([
      '121042880000701',
      '121042880000702',
      '121042880000801',
    ]);
    expect(doc.ach?.batches).toBe(2);
    expect(doc.warnings).toEqual([
      { line: 7, message: 'records follow the file control record; they are read but not in its totals' },
      { line: 7, message: 'entry detail record outside a batch (no batch header before it)' },
      { line: 8, message: 'another file begins after the file control record; it is read as a further file' },
      {
        line: 9,
        message:
          'the entries from line 7 have no batch header or batch control record; their totals are not checked',
      },
    ]);
  });

  it('warns about an empty control record instead of reading blanks as numbers', () => {
    const lines = read('payments.ach').split('\n');
    const at = lines.findIndex((l) => l.startsWith('9000'));
    lines[at] = '9';
    const doc = parse(lines.join('\n'));
    expect(doc.warnings).toEqual([
      { line: at + 1, message: 'the file control record is empty; the file totals are not checked' },
      {
        line: at + 1,
        message:
          '1 record(s) end before their last field (the first has 1 of 94 characters); the missing characters were read as blanks',
      },
    ]);
  });
});

describe('NACHA: odd records', () => {
  it('reports each oddity as a warning and still reads every entry', () => {
    const doc = parse(read('odd-records.ach'));
    expect(doc.version).toBe('2');
    expect(entries(doc)).toHaveLength(12);
    const byTrace = (t: string) => entries(doc).find((e) => e.trace === t);
    expect(byTrace('121042880000501')?.account).toBe('231380100:ACCT-1');
    expect(byTrace('121042880000502')?.direction).toBe('debit');
    expect(byTrace('121042880000503')?.addenda).toEqual(['UNANNOUNCED ADDENDA']);
    expect(byTrace('121042880000506')?.direction).toBe('credit');
    expect(entries(doc)[6]).toMatchObject({ trace: '', amount: '0.00', line: 10 });
    // Cut at 80 characters, the record keeps only the first digit of its trace number.
    expect(entries(doc).find((e) => e.name === 'SHORT RECORD')).toMatchObject({ trace: '1', line: 19 });
    expect(byTrace('121042880000511')).toMatchObject({ name: 'LONG RECORD', amount: '11.00' });
    expect(byTrace('121042880000512')?.name).toBe('TRAILING BLANKS');
    expect(doc.warnings).toEqual([
      {
        line: 1,
        message:
          'file header immediate destination 231380105 is not a valid routing number: check digit 5, computed 4',
      },
      { line: 1, message: 'file header format code "2" is not 1' },
      { line: 2, message: 'batch header SEC code "XYZ" is not a NACHA standard entry class' },
      { line: 2, message: 'batch header effective entry date "261399" is not a date' },
      {
        line: 3,
        message: 'entry 121042880000501: receiving DFI 23138010 check digit "0" differs from the computed 4',
      },
      {
        line: 4,
        message:
          "entry 121042880000502 is a debit, but its batch's service class code 220 allows credits only",
      },
      {
        line: 5,
        message: 'entry 121042880000503 has addenda record indicator 0 but 1 addenda record(s) follow',
      },
      {
        line: 7,
        message: 'entry 121042880000504 has addenda record indicator 1 but no addenda record follows',
      },
      {
        line: 8,
        message: 'entry 121042880000505: prenotification (transaction code 23) carries amount 5.00',
      },
      {
        line: 9,
        message:
          'entry 121042880000506: transaction code "20" is not a NACHA transaction code; read as a credit',
      },
      {
        line: 10,
        message: 'entry at line 10: amount "00000X0700" is not a number of cents; reported as 0.00',
      },
      { line: 10, message: 'entry at line 10 has no trace number' },
      { line: 12, message: 'entry 121042880000508: unknown addenda type "42"; ignored' },
      {
        line: 14,
        message: 'entry 121042880000508 has more than one return addenda; return_code is the first (R01)',
      },
      {
        line: 16,
        message: 'entry 121042880000508 has a second notification of change (C02); the first (C01) is kept',
      },
      { line: 18, message: 'unknown record type "X"; line skipped' },
      { line: 17, message: 'entry 121042880000509: addenda record indicator "7" is not 0 or 1' },
      {
        line: null,
        message: 'the batch that begins at line 2 has no batch control record; its totals are not checked',
      },
      { line: null, message: 'the file has no file control record (type 9); its totals are not checked' },
      {
        line: 19,
        message:
          '1 record(s) end before their last field (the first has 80 of 94 characters); the missing characters were read as blanks',
      },
      {
        line: 20,
        message: '1 record(s) carry text after position 94 (the first has 104 characters); it was ignored',
      },
    ]);
  });

  it('summarizes unknown lines after the tenth and keeps a very long line from growing memory', () => {
    const header = read('payments.ach').split('\n')[0] ?? '';
    const text = [header, ...Array.from({ length: 13 }, (_, i) => `#${i}`), `6${'x'.repeat(5000)}`].join(
      '\n',
    );
    for (const size of [7, 4096]) {
      const doc = parse(text, size);
      expect(doc.warnings.filter((w) => w.message.startsWith('unknown record type'))).toHaveLength(10);
      expect(doc.warnings).toContainEqual({
        line: null,
        message: '3 more line(s) with an unknown record type were skipped',
      });
      expect(doc.warnings).toContainEqual({
        line: 15,
        message: '1 record(s) carry text after position 94 (the first has 5001 characters); it was ignored',
      });
    }
  });

  it('keeps at most 9,999 addenda per entry and names at most 50 stray addenda, so memory stays bounded', () => {
    const lines = read('payments.ach').split('\n');
    const addenda = lines[3] ?? '';
    const flooded = [
      ...lines.slice(0, 4),
      ...Array.from({ length: 10_001 }, () => addenda),
      ...lines.slice(4),
    ];
    const doc = parse(flooded.join('\n'), 65536);
    const first = entries(doc)[0];
    expect(first?.addenda).toHaveLength(9999);
    expect(first?.addenda_types).toHaveLength(9999);
    expect(doc.warnings).toContainEqual({
      line: 10_003,
      message: 'entry 121042880000001 has more than 9999 addenda records; the rest are not read',
    });
    const stray = [lines[0], lines[1], lines[13], ...Array.from({ length: 60 }, () => addenda)].join('\n');
    const strayDoc = parse(stray);
    expect(strayDoc.warnings).toContainEqual({
      line: 4,
      message: `skipped 60 addenda record(s) with no entry detail record before them: ${Array(50).fill('05').join(', ')}, ...`,
    });
  });

  it('finds control characters in any layout and chunking, and takes CRLF and blanks for line breaks', () => {
    const text = read('payments.ach');
    const lines = text.split('\n').filter((l) => l !== '');
    const sub = (l: string) => `${l.slice(0, 60)}\u001a${l.slice(61)}`;
    const marked = lines.map((l, i) => (i === 4 ? sub(l) : l));
    const stray = lines.map((l, i) => (i === 6 ? `${l.slice(0, 60)}\r${l.slice(61)}` : l));
    const warning = (line: number, code: string) => ({
      line,
      message: `1 record(s) hold control characters (the first: U+${code})`,
    });
    for (const size of [1, 7, 4096]) {
      expect(parse(marked.join('\r\n'), size).warnings).toEqual([warning(5, '001A')]);
      expect(parse(`${marked.join('\r')}\r`, size).warnings).toEqual([warning(5, '001A')]);
      expect(parse(marked.join(''), size).warnings).toEqual([warning(5, '001A')]);
      // A CR inside a line of an LF file, an LF inside a line of a CR file.
      expect(parse(stray.join('\n'), size).warnings).toEqual([warning(7, '000D')]);
      const lf = lines.map((l, i) => (i === 6 ? `${l.slice(0, 60)}\n${l.slice(61)}` : l)).join('\r');
      expect(parse(lf, size).warnings).toEqual([warning(7, '000A')]);
      expect(parse(text, size).warnings).toEqual([]);
    }
  });

  it('matches entries with a stray file header between an entry and its addenda (issue 1600)', () => {
    const lines = read('payments.ach').split('\n');
    // Move the file header between the first entry and its addenda.
    const moved = [lines[1], lines[2], lines[0], ...lines.slice(3)].join('\n');
    const doc = parse(moved);
    expect(entries(doc)[0]?.addenda).toEqual(['SALARY APRIL 2026 / REF 42']);
    expect(doc.warnings).toEqual([
      {
        line: 1,
        message: 'the file does not begin with a file header record (type 1) but with a type 5 record',
      },
    ]);
  });
});

describe('NACHA: files that cannot be read', () => {
  it('rejects empty text', () => {
    const e = unreadableError(' \n\r\n');
    expect(e.code).toBe('bank_files.unreadable');
    expect(e.message).toBe('test.ach: not a NACHA file: it holds no records');
  });

  it('rejects text whose first record is not a NACHA record type', () => {
    for (const size of [1, 4096]) {
      const e = unreadableError('01,SENDER,RECEIVER,260403,1200,1,,,2/\n02,X/\n', size);
      expect(e.code).toBe('bank_files.unreadable');
      expect(e.message).toBe(
        'test.ach:1: not a NACHA file: the first record begins with "0", not a record type code (1, 5, 6, 7, 8 or 9)',
      );
    }
  });

  it('rejects text that only begins with a 1', () => {
    const e = unreadableError('1. Introduction\nThis is not a payment file.\n');
    expect(e.message).toBe(
      'test.ach: not a NACHA file: no batch, entry or control record, and no file header of 94-character records',
    );
  });

  it('rejects a file without line breaks whose records are not 94 characters long', () => {
    const fixed = read('payments-fixed.ach');
    const misaligned = `${fixed.slice(0, 94)}X${fixed.slice(94)}`;
    for (const size of [1, 7, 4096]) {
      const e = unreadableError(misaligned, size);
      expect(e.message).toBe(
        'test.ach:2: the file has no line breaks, and record 2 (at character 95) does not begin with a record type code: its records are not 94 characters long',
      );
      expect(e.issues).toEqual([
        {
          file: 'test.ach',
          line: 2,
          message:
            'the file has no line breaks, and record 2 (at character 95) does not begin with a record type code: its records are not 94 characters long',
        },
      ]);
    }
  });

  it('reads a long first line that is only a little over 94 characters as a line, not as fixed records', () => {
    const text = read('payments.ach');
    const doc = parse(text.replace('\n', '    \n'));
    expect(doc.warnings).toEqual([]);
  });
});

describe('achEntryDetails', () => {
  it('returns the NACHA fields of an entry this parser reported, null for any other entry', () => {
    const e = entries(parse(read('returns.ach')))[0] as AchEntry;
    expect(achEntryDetails(e)).toMatchObject({ transaction_code: '26', original_trace: '121042880000002' });
    const foreign: AchEntry = {
      trace: '1',
      amount: '1.00',
      direction: 'credit',
      name: null,
      account: null,
      return_code: null,
      noc_code: null,
      corrected_data: null,
      addenda: [],
    };
    expect(achEntryDetails(foreign)).toBeNull();
  });
});

describe('NACHA: which warnings refuse an import', () => {
  it('marks broken or missing controls as blocking, and field oddities as notices', () => {
    const all = readdirSync(FIXTURES).filter((n) => !n.endsWith('.md'));
    const warnings = all.flatMap((n) => {
      try {
        return parseWithSeverity(read(n)).warnings;
      } catch {
        return [];
      }
    });
    const blocking = warnings.filter((w) => w.severity === undefined);
    const notices = warnings.filter((w) => w.severity === 'notice');
    expect(blocking.length).toBeGreaterThan(0);
    expect(notices.length).toBeGreaterThan(0);
    for (const w of blocking)
      expect(w.message).toMatch(/differs|not a number|not an amount|no (file|batch) control|not checked/);
    for (const w of notices)
      expect(w.message).not.toMatch(/ differs from the sum of | entry hash .* differs/);
  });
});
