/**
 * `npm run bench:parse`: parsing throughput of the bank formats with a speed target (issue 4:
 * BAI2 and NACHA ≥ 50 MB/s, camt XML ≥ 20 MB/s), plus the others for reference. Each file is
 * generated here (deterministic, about --mb megabytes), read from disk through the same streaming
 * driver as `arbor parse` and `arbor import bank`, into a sink that only counts; the best of
 * --runs runs is reported. With --write, the figures replace the `bench:parse` section of
 * docs/benchmarks.md.
 *
 *   npm run bench:parse -- [--mb 40] [--runs 3] [--write]
 */
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { ParseSink } from '../src/modules/bank-files/index.ts';
import { parseBankFile } from '../src/modules/parsing/index.ts';
import { nachaFile } from '../test/support/nacha-writer.ts';
import { processorsText } from './machine.ts';

const root = resolve(import.meta.dirname, '..');
const { values } = parseArgs({
  options: {
    mb: { type: 'string', default: '40' },
    runs: { type: 'string', default: '3' },
    write: { type: 'boolean', default: false },
  },
});
const targetBytes = Number(values.mb) * 1_000_000;
const runs = Number(values.runs);
const dir = join(root, '.bench-data', 'parse');
mkdirSync(dir, { recursive: true });

/** A small deterministic generator (mulberry32). */
function rng(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function bai2(bytes: number): string {
  const r = rng(1);
  const out: string[] = ['01,BANKID,ARBOR,261130,0800,1,,,2/', '02,ARBOR,BANKID,1,261130,0800,USD,2/'];
  let total = 0n;
  let accounts = 0;
  let size = 0;
  let records = 2;
  while (size < bytes) {
    const details: string[] = [];
    let sum = 0n;
    for (let i = 0; i < 1000; i++) {
      const amount = BigInt(Math.floor(r() * 10_000_000) + 100);
      sum += amount;
      const code = r() < 0.7 ? '195' : '475';
      details.push(
        `16,${code},${amount},0,REF${accounts}${i},CUST${i},PAYMENT FOR INVOICE INV-${100000 + i} AND INV-${200000 + i}/`,
      );
      details.push(`88,ORIGINATOR ACME HEALTH PLAN INC REMITTANCE FOLLOWS UNDER SEPARATE COVER/`);
    }
    const acct = [`03,${100000 + accounts},USD,010,500000,,,015,600000,,/`, ...details];
    const control = 500000n + 600000n + sum;
    acct.push(`49,${control},${acct.length + 1}/`);
    total += control;
    records += acct.length;
    size += acct.reduce((s, l) => s + l.length + 1, 0);
    out.push(...acct);
    accounts++;
  }
  out.push(`98,${total},${accounts},${records}/`);
  out.push(`99,${total},1,${records + 2}/`);
  return `${out.join('\n')}\n`;
}

function nacha(bytes: number): string {
  const r = rng(2);
  const perFile = 5000;
  const parts: string[] = [];
  let size = 0;
  let trace = 1;
  while (size < bytes) {
    const text = nachaFile({
      companyName: 'ACME HEALTH PLAN',
      companyId: '1234567890',
      sec: 'CCD',
      effective: '261130',
      entries: Array.from({ length: perFile }, () => ({
        transactionCode: '22',
        routing: '021000021',
        account: String(Math.floor(r() * 1e9)),
        amountCents: Math.floor(r() * 10_000_000) + 100,
        name: 'ARBOR DEMO CO',
        trace: `09100001${String(trace++).padStart(7, '0')}`,
        addenda: [`INV-${Math.floor(r() * 1e6)} INV-${Math.floor(r() * 1e6)} REMITTANCE`],
      })),
    });
    parts.push(text);
    size += text.length;
  }
  return parts.join('');
}

function camt(bytes: number): string {
  const r = rng(3);
  const head = `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt><GrpHdr><MsgId>B1</MsgId><CreDtTm>2026-11-30T08:00:00</CreDtTm></GrpHdr>
<Stmt><Id>S1</Id><CreDtTm>2026-11-30T08:00:00</CreDtTm><Acct><Id><IBAN>DE89370400440532013000</IBAN></Id><Ccy>EUR</Ccy></Acct>
`;
  const entries: string[] = [];
  let size = head.length;
  let i = 0;
  while (size < bytes) {
    const amount = (Math.floor(r() * 10_000_000) / 100 + 1).toFixed(2);
    const e = `<Ntry><Amt Ccy="EUR">${amount}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>2026-11-30</Dt></BookgDt><ValDt><Dt>2026-11-30</Dt></ValDt><AcctSvcrRef>REF${i}</AcctSvcrRef><BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn></BkTxCd><NtryDtls><TxDtls><Refs><EndToEndId>E2E${i}</EndToEndId></Refs><RltdPties><Dbtr><Nm>Muster Klinik GmbH ${i % 997}</Nm></Dbtr><DbtrAcct><Id><IBAN>DE02120300000000202051</IBAN></Id></DbtrAcct></RltdPties><RmtInf><Ustrd>RE ${100000 + i} UND ${200000 + i}</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>
`;
    entries.push(e);
    size += e.length;
    i++;
  }
  return `${head}${entries.join('')}</Stmt></BkToCstmrStmt></Document>\n`;
}

const counting = () => {
  let n = 0;
  const sink: ParseSink = {
    version: () => {},
    format: () => {},
    statement: () => {},
    balances: () => {},
    entry: () => {
      n++;
    },
    achBatch: () => {},
    achEntry: () => {
      n++;
    },
    remittance: () => {},
    claimPayment: () => {},
    warning: () => {},
  };
  return { sink, count: () => n };
};

const formats: { name: string; file: string; make: (b: number) => string; target: number | null }[] = [
  { name: 'BAI2', file: 'bench.bai', make: bai2, target: 50 },
  { name: 'NACHA', file: 'bench.ach', make: nacha, target: 50 },
  { name: 'camt.053', file: 'bench.xml', make: camt, target: 20 },
];

const rows: string[] = [];
for (const f of formats) {
  const path = join(dir, f.file);
  if (!existsSync(path) || Math.abs(statSync(path).size - targetBytes) > targetBytes * 0.2)
    writeFileSync(path, f.make(targetBytes));
  const bytes = statSync(path).size;
  let best = Number.POSITIVE_INFINITY;
  let entries = 0;
  for (let i = 0; i < runs; i++) {
    const { sink, count } = counting();
    const started = performance.now();
    await parseBankFile(path, sink, { fileName: f.file });
    best = Math.min(best, (performance.now() - started) / 1000);
    entries = count();
  }
  const mbs = bytes / 1_000_000 / best;
  const met = f.target === null ? '' : mbs >= f.target ? 'yes' : '**no**';
  rows.push(
    `| ${f.name} | ${(bytes / 1_000_000).toFixed(1)} MB, ${entries.toLocaleString('en-US')} entries | ${mbs.toFixed(1)} MB/s (${best.toFixed(2)} s) | ${f.target === null ? '' : `≥ ${f.target} MB/s`} | ${met} |`,
  );
  console.log(rows.at(-1));
}

if (values.write) {
  const section = [
    '<!-- bench:parse:begin -->',
    '## Parsing throughput (issue 4)',
    '',
    `- command: \`npm run bench:parse -- --mb ${values.mb} --runs ${runs} --write\` (bench/parse.ts; files generated deterministically into .bench-data/parse)`,
    `- measured: read from disk, decoded and parsed through the streaming driver into a counting sink; best of ${runs} runs`,
    `- machine: ${processorsText()}; Node ${process.version}; run on ${new Date().toISOString()}`,
    '',
    '| format | file | throughput | target | met |',
    '|---|---|---|---|---|',
    ...rows,
    '<!-- bench:parse:end -->',
  ].join('\n');
  const out = join(root, 'docs', 'benchmarks.md');
  const previous = readFileSync(out, 'utf8');
  const re = /<!-- bench:parse:begin -->[\s\S]*<!-- bench:parse:end -->/;
  writeFileSync(
    out,
    re.test(previous) ? previous.replace(re, section) : `${previous.trimEnd()}\n\n${section}\n`,
  );
}
