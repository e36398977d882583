import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { AppError } from '../../core/errors.ts';
import {
  type AuditExportRow,
  type AuditLaneHead,
  canonicalJson,
  exportAudit,
  verifyAuditChain,
} from '../../modules/audit/index.ts';
import { createProgressBar, writeCsv } from '../../modules/tabular/index.ts';
import type { Command } from '../command.ts';
import { parseCommandArgs } from '../command.ts';
import { EXIT } from '../exit-codes.ts';
import { parseFormat, withOutput } from '../output.ts';
import { openContext } from '../runtime.ts';
import { parseDateOption } from './report.ts';

/** Enough of the head hash to compare by eye; `--format json` gives all of it. */
const HEAD_PREFIX = 16;

const invalid = (message: string) => new AppError('cli.invalid_arguments', 'invalid', message);

/**
 * The lane heads of an earlier `arbor audit verify --format json` (its `lanes`; before lanes, its
 * `head_seq` and `head_hash`, which are lane 0's), kept outside the database.
 */
export function parseRecordedHeads(text: string, file: string): AuditLaneHead[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw invalid(
      `${file}: not JSON (${(e as Error).message}); give the output of arbor audit verify --format json`,
    );
  }
  const heads: AuditLaneHead[] = [];
  const seqOf = (v: unknown, where: string): bigint => {
    if (typeof v !== 'string' && typeof v !== 'number') throw invalid(`${file}: ${where}: seq is missing`);
    if (!/^\d+$/.test(String(v))) throw invalid(`${file}: ${where}: seq "${v}" is not a whole number`);
    return BigInt(v);
  };
  const hashOf = (v: unknown, where: string): string => {
    if (typeof v !== 'string' || !/^[0-9a-f]{64}$/.test(v))
      throw invalid(`${file}: ${where}: hash must be 64 lower-case hex digits`);
    return v;
  };
  const o = (doc ?? {}) as { lanes?: unknown; head_seq?: unknown; head_hash?: unknown };
  if (Array.isArray(o.lanes)) {
    o.lanes.forEach((l: { lane?: unknown; seq?: unknown; hash?: unknown }, i) => {
      const where = `lanes[${i}]`;
      if (typeof l?.lane !== 'number' || !Number.isInteger(l.lane) || l.lane < 0)
        throw invalid(`${file}: ${where}: lane must be a whole number`);
      const seq = seqOf(l.seq, where);
      if (seq > 0n) heads.push({ lane: l.lane, seq, hash: hashOf(l.hash, where) });
    });
  } else if (o.head_seq !== undefined) {
    const seq = seqOf(o.head_seq, 'head_seq');
    if (seq > 0n) heads.push({ lane: 0, seq, hash: hashOf(o.head_hash, 'head_hash') });
  } else {
    throw invalid(
      `${file}: neither "lanes" nor "head_seq": give the output of arbor audit verify --format json`,
    );
  }
  return heads;
}

export const auditVerifyCommand: Command = {
  words: ['audit', 'verify'],
  usage: 'arbor [--db TARGET] audit verify [--expect FILE] [--format table|json]',
  summary: 'verify the audit trail’s hash chain; exit 0 if intact, else 5 and name each row',
  async run(input) {
    const { values, global } = parseCommandArgs(
      input,
      this,
      { format: { type: 'string' }, expect: { type: 'string' } },
      { min: 0, max: 0 },
    );
    const format = parseFormat(values.format as string | undefined, ['table', 'json'], 'table');
    const expectFile = values.expect as string | undefined;
    const expect = expectFile
      ? parseRecordedHeads(
          await readFile(expectFile, 'utf8').catch(() => {
            throw invalid(`${basename(expectFile)}: no such file`);
          }),
          basename(expectFile),
        )
      : undefined;
    const { ctx, close } = await openContext(global, input.io);
    const bar = createProgressBar({ label: 'audit verify', total: null, unit: 'rows' });
    try {
      const r = await verifyAuditChain(ctx, {
        onProgress: (p) => bar.update(p.rows),
        ...(expect ? { expect } : {}),
      });
      bar.finish();
      const out = input.io.stdout;
      if (format === 'json') {
        out.write(
          `${JSON.stringify(
            {
              ok: r.ok,
              rows: r.rows,
              legacy_rows: r.legacyRows.toString(),
              head_seq: r.headSeq.toString(),
              head_hash: r.headHash,
              lanes: r.lanes.map((l) => ({ lane: l.lane, seq: l.seq.toString(), hash: l.hash })),
              failure_count: r.failureCount,
              failures: r.failures.map((f) => ({
                lane: f.lane,
                seq: f.seq === null ? null : f.seq.toString(),
                id: f.id,
                problem: f.problem,
              })),
            },
            null,
            2,
          )}\n`,
        );
      } else if (r.ok) {
        out.write(
          `audit chain verified: ${r.rows} rows (${r.legacyRows} before the chain began), head ${r.headSeq} ${(r.headHash ?? 'none').slice(0, HEAD_PREFIX)}\n`,
        );
        if (expect)
          out.write(
            `the ${expect.length} head(s) recorded in ${basename(expectFile ?? '')} are still there, unchanged\n`,
          );
      } else {
        for (const f of r.failures) {
          const where = [
            f.lane === 0 ? '' : `lane ${f.lane}`,
            f.seq === null ? 'no seq' : `seq ${f.seq}`,
            f.id ? `(${f.id})` : '',
          ].filter(Boolean);
          out.write(`FAIL  ${where.join(' ')}: ${f.problem}\n`);
        }
        if (r.failureCount > r.failures.length)
          out.write(`      … and ${r.failureCount - r.failures.length} more\n`);
        out.write(`audit chain FAILED: ${r.failureCount} problem(s) in ${r.rows} rows\n`);
      }
      return r.ok ? EXIT.ok : EXIT.checkFailed;
    } finally {
      bar.finish();
      await close();
    }
  },
};

const EXPORT_COLUMNS = [
  'seq',
  'id',
  'at',
  'actor',
  'action',
  'object_type',
  'object_id',
  'before',
  'after',
  'request_id',
  'source',
  'prev_hash',
  'hash',
  'lane',
] as const;

/** One row as the export writes it: snake_case, seq as a decimal string, `at` in ISO 8601 UTC. */
function toExportObject(r: AuditExportRow) {
  return {
    seq: r.seq === null ? null : r.seq.toString(),
    id: r.id,
    at: r.at.toISOString(),
    actor: r.actor,
    action: r.action,
    object_type: r.objectType,
    object_id: r.objectId,
    before: r.before,
    after: r.after,
    request_id: r.requestId,
    source: r.source,
    prev_hash: r.prevHash,
    hash: r.hash,
    lane: r.lane,
  };
}

export const auditExportCommand: Command = {
  words: ['audit', 'export'],
  usage:
    'arbor [--db TARGET] audit export [--from DATE] [--to DATE] [--format jsonl|json|csv] [--output FILE]',
  summary: 'the audit trail in chain order, with positions and hashes, for auditors',
  async run(input) {
    const { values, global } = parseCommandArgs(
      input,
      this,
      {
        from: { type: 'string' },
        to: { type: 'string' },
        format: { type: 'string' },
        output: { type: 'string' },
      },
      { min: 0, max: 0 },
    );
    const formatText = ((values.format as string | undefined) ?? 'jsonl').toLowerCase();
    if (formatText !== 'jsonl' && formatText !== 'json' && formatText !== 'csv')
      throw new AppError(
        'cli.invalid_format',
        'invalid',
        `--format must be one of jsonl, json, csv, not "${values.format}"`,
      );
    const from = parseDateOption('from', values.from);
    const to = parseDateOption('to', values.to);
    const { ctx, close } = await openContext(global, input.io);
    try {
      const rows = exportAudit(ctx, { ...(from ? { from } : {}), ...(to ? { to } : {}) });
      await withOutput(input.io.stdout, values.output as string | undefined, false, async (out) => {
        if (formatText === 'csv') {
          const cells = async function* () {
            for await (const r of rows) {
              const o = toExportObject(r);
              // before and after as the canonical JSON text that was hashed; a null cell is empty.
              yield EXPORT_COLUMNS.map((c) =>
                c === 'before' || c === 'after'
                  ? o[c] === null
                    ? ''
                    : canonicalJson(o[c])
                  : ((o[c] as string | null) ?? ''),
              );
            }
          };
          await writeCsv(EXPORT_COLUMNS, cells(), out);
        } else {
          await writeJsonRows(out, rows, formatText === 'json');
        }
      });
      return EXIT.ok;
    } finally {
      await close();
    }
  },
};

export const auditCommands: readonly Command[] = [auditVerifyCommand, auditExportCommand];

/** Writes rows as JSON lines, or as one JSON array, in batches, waiting for the stream to drain. */
async function writeJsonRows(
  out: NodeJS.WritableStream,
  rows: AsyncIterable<AuditExportRow>,
  array: boolean,
): Promise<void> {
  const write = (s: string) =>
    new Promise<void>((resolve, reject) => {
      out.write(s, (e) => (e ? reject(e) : resolve()));
    });
  let batch = array ? '[' : '';
  let first = true;
  for await (const r of rows) {
    const json = JSON.stringify(toExportObject(r));
    batch += array ? `${first ? '\n' : ',\n'}  ${json}` : `${json}\n`;
    first = false;
    if (batch.length >= 1 << 16) {
      await write(batch);
      batch = '';
    }
  }
  if (array) batch += first ? ']\n' : '\n]\n';
  if (batch.length > 0) await write(batch);
}
