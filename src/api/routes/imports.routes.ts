import { createWriteStream } from 'node:fs';
import { mkdtemp, open, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { ServiceContext } from '../../core/context.ts';
import { isCurrencyCode } from '../../core/currency.ts';
import { AppError, isAppError } from '../../core/errors.ts';
import { formatAmount } from '../../core/money.ts';
import { bankFilesError } from '../../modules/bank-files/index.ts';
import { findBankCsvMapping, importBankFile } from '../../modules/banking/index.ts';
import { IMPORTERS } from '../../modules/importers/index.ts';
import { type ImportKind, runImport } from '../../modules/imports/index.ts';
import type { DetectedFamily } from '../../modules/parsing/index.ts';
import { importRemittanceFile } from '../../modules/remittances/index.ts';
import { openTableFile } from '../../modules/tabular/index.ts';
import type { ApiEnv } from '../env.ts';
import { problemResponse } from '../problem.ts';
import { type ApiRoute, defineRoute, runUnitOfWork } from '../route.ts';
import { ERRORS, json, jsonContent, ZAmount, ZProblem } from './common.ts';

/**
 * File uploads: the imports of INTERCHANGE.md §2 (customers, parties, invoices, history, entities),
 * bank files and remittance advices, each one call to the service `arbor import …` calls. The file
 * is the raw request body (its name in `?filename=`, for `FILE:LINE` messages) or the `file` field
 * of a multipart form. The services read files from paths, so the upload is streamed to a temporary
 * file first (size-limited, removed afterwards), and only then is the import run as the request's
 * unit of work: one transaction, all or nothing, a second upload of the same content refused (409).
 */

/** Larger uploads are refused with 413 before anything is imported. */
export const MAX_UPLOAD_BYTES = 200 * 1024 * 1024;

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const RAW_TYPES = new Set([
  'text/csv',
  XLSX_TYPE,
  'application/octet-stream',
  'text/plain',
  'application/xml',
  'text/xml',
  'application/edi-x12',
]);
const MULTIPART = 'multipart/form-data';
const UPLOAD_PREFIX = 'arbor-upload-';

const binary = { type: 'string' as const, format: 'binary' };
const uploadBody = (types: readonly string[], description: string) => ({
  required: true,
  description,
  content: {
    ...Object.fromEntries(types.map((t) => [t, { schema: binary }])),
    [MULTIPART]: {
      schema: {
        type: 'object' as const,
        properties: {
          file: { ...binary, description: 'the file; its name is used when `filename` is not given' },
        },
        required: ['file'],
      },
    },
  },
});

const ZFilename = z.string().max(255).optional().openapi({
  description: 'the file name, for `FILE:LINE` messages and the import record (e.g. `customers.csv`)',
});

const UPLOAD_ERRORS = {
  ...ERRORS,
  400: {
    description: 'invalid file: every bad row in `errors` as { line, field, message }; nothing was imported',
    content: { 'application/problem+json': { schema: ZProblem } },
  },
  409: {
    description: 'this file was already imported (same content); nothing was changed',
    content: { 'application/problem+json': { schema: ZProblem } },
  },
  413: {
    description: 'the file is too large',
    content: { 'application/problem+json': { schema: ZProblem } },
  },
  415: {
    description: 'unsupported content type',
    content: { 'application/problem+json': { schema: ZProblem } },
  },
} as const;

// ---------------------------------------------------------------------------------------------------
// Receiving the file

interface Upload {
  readonly dir: string;
  readonly path: string;
  /** The name the client gave, shown in messages instead of the temporary path. */
  readonly name: string;
}

type UploadKind = 'table' | 'bank' | 'remittance';

function problem(c: Context<ApiEnv>, status: 413 | 415 | 400, code: string, detail: string): Response {
  const title =
    status === 413 ? 'Content Too Large' : status === 415 ? 'Unsupported Media Type' : 'Bad Request';
  return problemResponse(c, {
    type: `https://arbor.dev/problems/${code}`,
    title,
    status,
    detail,
    code,
    requestId: c.get('requestId'),
  });
}

/** The last path segment, without control characters: a name to show, never a path to follow. */
function cleanName(name: string | undefined): string {
  const last = (name ?? '').split(/[/\\]/).pop() ?? '';
  const printable = [...last].filter((ch) => (ch.codePointAt(0) ?? 0) >= 0x20 && ch !== '\u007f').join('');
  const trimmed = printable.trim().slice(0, 200);
  // `.` and `..` would name the directory, not a file in it.
  return /^\.+$/.test(trimmed) ? '' : trimmed;
}

/** Passes the bytes on, and fails the stream once more than `max` have come (flagging why). */
function limiter(max: number, state: { size: number; tooLarge: boolean }) {
  return new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      state.size += chunk.byteLength;
      if (state.size > max) {
        state.tooLarge = true;
        controller.error(new Error('upload too large'));
      } else controller.enqueue(chunk);
    },
  });
}

/**
 * Writes the request's file to a fresh temporary directory: the raw body, or the `file` field of a
 * multipart form. Answers 413 (too large), 415 (content type) or 400 (no file) as a Response, with
 * the directory already removed.
 */
async function receiveUpload(
  c: Context<ApiEnv>,
  kind: UploadKind,
  filename: string | undefined,
  max: number,
): Promise<Upload | Response> {
  const contentType = c.req.header('content-type') ?? 'application/octet-stream';
  const essence = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  if (essence !== MULTIPART && !RAW_TYPES.has(essence))
    return problem(
      c,
      415,
      'api.unsupported_media_type',
      `send the file as the request body (text/csv, ${XLSX_TYPE}, application/octet-stream, …) or as the file field of ${MULTIPART}, not ${essence || 'no content type'}`,
    );
  const tooLarge = () =>
    problem(
      c,
      413,
      'api.payload_too_large',
      `the file is larger than ${max} bytes; split it, or import it with the command line`,
    );
  if (Number(c.req.header('content-length') ?? '0') > max) return tooLarge();
  const body = c.req.raw.body;
  if (body === null) return problem(c, 400, 'api.empty_upload', 'the request has no file');

  const dir = await mkdtemp(join(tmpdir(), UPLOAD_PREFIX));
  const state = { size: 0, tooLarge: false };
  let answer: Upload | Response;
  try {
    answer = await writeUpload(
      c,
      { dir, kind, essence, contentType, filename },
      body.pipeThrough(limiter(max, state)),
    );
  } catch (e) {
    if (!state.tooLarge) {
      await rm(dir, { recursive: true, force: true });
      throw e;
    }
    answer = tooLarge();
  }
  if (answer instanceof Response) await rm(dir, { recursive: true, force: true });
  return answer;
}

async function writeUpload(
  c: Context<ApiEnv>,
  u: { dir: string; kind: UploadKind; essence: string; contentType: string; filename: string | undefined },
  body: ReadableStream<Uint8Array>,
): Promise<Upload | Response> {
  let name = cleanName(u.filename);
  let bytes: Buffer | null = null;
  if (u.essence === MULTIPART) {
    const form = await new Response(body, { headers: { 'content-type': u.contentType } }).formData();
    const file = form.get('file');
    if (file === null || typeof file === 'string')
      return problem(c, 400, 'api.empty_upload', `the ${MULTIPART} request has no file field named "file"`);
    if (name === '') name = cleanName(file.name);
    bytes = Buffer.from(await file.arrayBuffer());
  }
  if (name === '') name = `upload${defaultExtension(u.essence, u.kind)}`;
  const written = join(u.dir, name);
  if (bytes !== null) await writeFile(written, bytes);
  else await pipeline(Readable.fromWeb(body as NodeReadableStream<Uint8Array>), createWriteStream(written));
  const head = await readHead(written);
  if (head.length === 0) return problem(c, 400, 'api.empty_upload', `${name}: the file is empty`);
  const path = join(u.dir, nameWithType(name, u.kind, u.essence, head));
  if (path !== written) await rename(written, path);
  return { dir: u.dir, path, name };
}

function defaultExtension(essence: string, kind: UploadKind): string {
  if (essence === XLSX_TYPE) return '.xlsx';
  if (kind === 'bank') return '';
  return '.csv';
}

async function readHead(path: string): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(64);
    const { bytesRead } = await handle.read(buffer, 0, 64, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/**
 * Tables are read by extension (`.csv`, `.xlsx`): a name without one gets it from the content type
 * or the content (an XLSX workbook is a zip). Remittances are X12 when they start with a segment;
 * bank files are recognized from their content whatever their name.
 */
function nameWithType(name: string, kind: UploadKind, essence: string, head: Buffer): string {
  const ext = extname(name).toLowerCase();
  if (kind === 'bank' || ext === '.csv' || ext === '.xlsx') return name;
  const zip = head[0] === 0x50 && head[1] === 0x4b;
  if (essence === XLSX_TYPE || zip) return `${name}.xlsx`;
  if (kind === 'remittance' && /^\s*(ISA|GS|ST)\W/.test(head.toString('latin1').replace(/^\uFEFF/, '')))
    return name;
  return `${name}.csv`;
}

/** Messages name the file as the client did, never the temporary path. */
function relabel(error: unknown, upload: Upload): unknown {
  if (!isAppError(error)) return error;
  const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const temp = new RegExp(`${escapeRegExp(join(tmpdir(), UPLOAD_PREFIX))}[^/\\\\]+[/\\\\][^:\\s]*`, 'g');
  const fix = (s: string) => s.split(upload.path).join(upload.name).replace(temp, upload.name);
  return new AppError(error.code, error.kind, fix(error.message), {
    details: error.details as Record<string, unknown>,
    issues: error.issues.map((i) => ({
      ...i,
      ...(i.file === undefined ? {} : { file: fix(i.file) }),
      message: fix(i.message),
    })),
    cause: error,
  });
}

/**
 * Runs the import as the request's unit of work over the uploaded file, then removes the file. An
 * Idempotency-Key is honoured: the unit of work hashes the request body, which here is the file.
 * Maintenance the import asks for after a large load (ANALYZE, VACUUM) runs once the request has
 * committed (runUnitOfWork).
 */
async function importUpload(
  c: Context<ApiEnv>,
  upload: Upload,
  run: (ctx: ServiceContext) => Promise<unknown>,
): Promise<Response> {
  const { deps } = c.get('app');
  try {
    if (c.req.header('idempotency-key') !== undefined) {
      const bytes = await readFile(upload.path);
      // The body stream is spent (it went to the file); the unit of work reads the cached copy.
      Object.assign(c.req.bodyCache, { arrayBuffer: Promise.resolve(bytes) });
    }
    return await runUnitOfWork(c, deps, async (ctx) => json(c, await run(ctx)));
  } catch (e) {
    throw relabel(e, upload);
  } finally {
    await rm(upload.dir, { recursive: true, force: true });
  }
}

/** Money in an import summary is minor units by currency (`USD`, `invoice:USD`); on the wire, decimals. */
function summaryView(summary: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(summary)) {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      out[key] = Object.fromEntries(
        Object.entries(value as Record<string, unknown>).map(([k, v]) => {
          const currency = k.split(':').at(-1) ?? '';
          const minor =
            typeof v === 'string' && /^-?\d+$/.test(v) ? BigInt(v) : typeof v === 'bigint' ? v : null;
          return [k, minor !== null && isCurrencyCode(currency) ? formatAmount(minor, currency) : v];
        }),
      );
    } else out[key] = typeof value === 'bigint' ? value.toString() : value;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Routes

const TABLE_KINDS: readonly ImportKind[] = ['entities', 'customers', 'parties', 'invoices', 'history'];
const TABLE_TYPES = ['text/csv', XLSX_TYPE, 'application/octet-stream'] as const;
const FAMILIES = ['bai2', 'camt', 'mt940', 'nacha', 'x12', 'lockbox', 'ofx', 'csv'] as const;

const ZTableImport = z
  .object({
    importId: z.string(),
    kind: z.string(),
    file: z.string(),
    rows: z.number().int(),
    summary: z.record(z.string(), z.unknown()).openapi({ description: 'counts; money as decimal strings' }),
  })
  .openapi('ImportSummary');

const ZWarning = z.object({ line: z.number().int().nullable(), message: z.string() });

function tableImportRoute(kind: ImportKind, max: number): ApiRoute {
  return defineRoute({
    permission: 'imports:write',
    transactional: false,
    route: createRoute({
      method: 'post',
      path: `/api/imports/${kind}`,
      tags: ['imports'],
      summary: `Import ${kind} (INTERCHANGE.md §2, CSV or XLSX)`,
      description: `As \`arbor import ${kind} FILE\`: all or nothing; every bad row is reported; the same file again is refused (409). At most ${max} bytes.`,
      request: {
        query: z.object({ filename: ZFilename }),
        body: uploadBody(TABLE_TYPES, 'the CSV (UTF-8) or XLSX file (first sheet), header row first'),
      },
      responses: { 200: jsonContent(ZTableImport, 'imported'), ...UPLOAD_ERRORS },
    }),
    async handler(c, { query }) {
      const upload = await receiveUpload(c, 'table', query.filename, max);
      if (upload instanceof Response) return upload;
      return importUpload(c, upload, async (ctx) => {
        const importer = IMPORTERS[kind];
        const opened = await openTableFile(upload.path);
        // The source is the temporary file; messages and the import record name the client's file.
        const source = { ...opened, file: upload.name };
        const r = await runImport(ctx, importer.spec, source, importer.handler, { progress: false });
        return {
          importId: r.importId,
          kind: r.kind,
          file: r.file,
          rows: r.rows,
          summary: summaryView(r.summary),
        };
      });
    },
  });
}

function bankImportRoute(max: number): ApiRoute {
  return defineRoute({
    permission: 'imports:write',
    transactional: false,
    route: createRoute({
      method: 'post',
      path: '/api/imports/bank',
      tags: ['imports'],
      summary: 'Import a bank file: statement, notification, lockbox or ACH (format from content)',
      description: `As \`arbor import bank FILE\`: each credit a receipt, returns take their receipts back, transactions an earlier file brought are duplicates. A file that breaks its own controls is refused (400, each warning with its line) unless \`acceptControlMismatch=true\`. The same file again is refused (409). At most ${max} bytes.`,
      request: {
        query: z.object({
          filename: ZFilename,
          format: z.enum(FAMILIES).optional().openapi({ description: 'skip detection' }),
          mapping: z.string().min(1).max(100).optional().openapi({
            description: 'a saved bank CSV column mapping (`arbor bank-mapping save`), for a bank CSV export',
          }),
          account: z
            .string()
            .min(1)
            .max(100)
            .optional()
            .openapi({ description: 'bank account for files without one (NACHA); default ACH' }),
          acceptControlMismatch: z
            .enum(['true', 'false'])
            .optional()
            .transform((v) => v === 'true'),
        }),
        body: uploadBody(
          ['application/octet-stream', 'text/plain', 'application/xml', 'text/xml', 'text/csv'],
          'the bank file as received (BAI2, camt.052/053/054, MT940/942, NACHA, BAI lockbox, OFX, bank CSV)',
        ),
      },
      responses: {
        200: jsonContent(
          z
            .object({
              importId: z.string(),
              file: z.string(),
              format: z.string(),
              statements: z.number().int(),
              transactions: z.number().int(),
              receipts: z.object({ count: z.number().int(), amounts: z.record(z.string(), ZAmount) }),
              returns: z.object({
                matched: z.number().int(),
                unmatched: z.number().int(),
                applicationsReversed: z.number().int(),
              }),
              duplicates: z.number().int(),
              other: z.number().int(),
              warnings: z.array(ZWarning),
              newBankAccounts: z.array(z.string()),
              advices: z.number().int(),
              advicesLinked: z.number().int(),
            })
            .openapi('BankImport'),
          'imported',
        ),
        ...UPLOAD_ERRORS,
      },
    }),
    async handler(c, { query }) {
      const upload = await receiveUpload(c, 'bank', query.filename, max);
      if (upload instanceof Response) return upload;
      return importUpload(c, upload, async (ctx) => {
        let mapping: Awaited<ReturnType<typeof findBankCsvMapping>> = null;
        if (query.mapping !== undefined) {
          mapping = await findBankCsvMapping(ctx, query.mapping);
          if (mapping === null)
            throw bankFilesError(
              'bank_files.file_not_found',
              `mapping ${query.mapping}: no saved mapping has that name`,
            );
        }
        return importBankFile(ctx, upload.path, {
          progress: false,
          acceptControlMismatch: query.acceptControlMismatch,
          ...(query.format === undefined ? {} : { family: query.format as DetectedFamily | 'csv' }),
          ...(mapping === null ? {} : { mapping }),
          ...(query.account === undefined ? {} : { account: query.account }),
        });
      });
    },
  });
}

function remittanceImportRoute(max: number): ApiRoute {
  return defineRoute({
    permission: 'imports:write',
    transactional: false,
    route: createRoute({
      method: 'post',
      path: '/api/imports/remittance',
      tags: ['imports'],
      summary: 'Import remittance advices (X12 820, or the CSV/XLSX of INTERCHANGE.md §2.5)',
      description: `As \`arbor import remittance FILE\`: advices kept as the payer stated them and linked to their receipt when one is unique. All or nothing; the same file again is refused (409). At most ${max} bytes.`,
      request: {
        query: z.object({
          filename: ZFilename,
          linkWindow: z
            .string()
            .regex(/^\d{1,3},\d{1,3}$/, 'days before and after the payment date, such as 7,10')
            .optional()
            .openapi({
              description: 'days before and after the payment date a receipt may be dated (default 7,10)',
            }),
        }),
        body: uploadBody(
          ['text/csv', XLSX_TYPE, 'application/edi-x12', 'text/plain', 'application/octet-stream'],
          'the remittance file',
        ),
      },
      responses: {
        200: jsonContent(
          z
            .object({
              importId: z.string(),
              file: z.string(),
              format: z.enum(['x12-820', 'csv', 'xlsx']),
              advices: z.number().int(),
              lines: z.number().int(),
              linked: z.number().int(),
              unlinked: z.number().int(),
              warnings: z.array(ZWarning),
            })
            .openapi('RemittanceImport'),
          'imported',
        ),
        ...UPLOAD_ERRORS,
      },
    }),
    async handler(c, { query }) {
      const upload = await receiveUpload(c, 'remittance', query.filename, max);
      if (upload instanceof Response) return upload;
      return importUpload(c, upload, async (ctx) => {
        const [before, after] = (query.linkWindow ?? '').split(',').map(Number);
        const r = await importRemittanceFile(
          ctx,
          upload.path,
          before !== undefined && after !== undefined && query.linkWindow !== undefined
            ? { window: { daysBefore: before, daysAfter: after } }
            : {},
        );
        // The service names the file by the path it read: the temporary one.
        return { ...r, file: upload.name };
      });
    },
  });
}

/** The upload routes; tests pass a small limit to see the 413. */
export function createImportRoutes(options: { maxUploadBytes?: number } = {}): ApiRoute[] {
  const max = options.maxUploadBytes ?? MAX_UPLOAD_BYTES;
  return [
    ...TABLE_KINDS.map((k) => tableImportRoute(k, max)),
    bankImportRoute(max),
    remittanceImportRoute(max),
  ];
}

export const importRoutes = createImportRoutes();
