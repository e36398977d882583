import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { CurrencyCode } from '../../core/currency.ts';
import { stringifyJson } from '../../core/json-text.ts';
import { formatAmount } from '../../core/money.ts';
import { apiError } from '../api.errors.ts';

/** JSON with bigint as decimal text (money is converted by the route before this). */
export function json(c: Context, body: unknown, status: ContentfulStatusCode = 200): Response {
  return c.body(stringifyJson(body), status, { 'content-type': 'application/json' });
}

/** Money on the wire: a decimal string in major units, never a JSON number (STYLE.md). */
export const amount = (minor: bigint, currency: string) => formatAmount(minor, currency as CurrencyCode);

export const ZAmount = z
  .string()
  .regex(/^-?\d+(\.\d+)?$/)
  .openapi({ example: '1234.56', description: 'decimal, major units' });
export const ZDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .openapi({ example: '2026-11-30' });
export const ZId = (prefix: string) =>
  z
    .string()
    .regex(/^[a-z]{2,4}_[0-9A-Z]{26}$/, 'not an id')
    .openapi({ example: `${prefix}_01JD8X3Q6W9K2M4N7P5R8T0V2Y` });

export const ZProblem = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.string(),
    requestId: z.string().optional(),
    errors: z
      .array(
        z.object({ field: z.string().optional(), line: z.number().int().optional(), message: z.string() }),
      )
      .optional(),
  })
  .openapi('Problem');

const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: ZProblem } },
});

/** The error answers every authenticated route may give. */
export const ERRORS = {
  400: problem('invalid request (each field named)'),
  401: problem('not signed in'),
  403: problem('the role lacks the permission, or the CSRF token is missing'),
  404: problem('not found'),
  409: problem('conflict (state changed, or an Idempotency-Key reused with another body)'),
} as const;

export const jsonContent = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

export const jsonBody = <T extends z.ZodType>(schema: T) => ({
  required: true,
  content: { 'application/json': { schema } },
});

export const ZPageQuery = z.object({
  cursor: z.string().max(512).optional().openapi({ description: 'from the previous page’s nextCursor' }),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

export const ZIdempotencyHeader = z.object({
  'idempotency-key': z
    .string()
    .optional()
    .openapi({ description: 'a replay returns the first answer; the same key with another body is 409' }),
});

export const page = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable() });

/** Cursors are opaque to clients: the last row's sort key, base64url JSON. */
export function encodeCursor(key: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

export function decodeCursor(cursor: string | undefined): (string | number)[] | null {
  if (cursor === undefined) return null;
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(v) && v.every((x) => typeof x === 'string' || typeof x === 'number')) return v;
  } catch {
    // fall through
  }
  throw apiError('api.invalid_cursor', 'the cursor is not one this API gave out');
}

/** Takes `limit` rows of `limit + 1` fetched; the cursor is the last kept row's key. */
export function paginate<R>(rows: R[], limit: number, keyOf: (r: R) => (string | number)[]) {
  const more = rows.length > limit;
  const items = more ? rows.slice(0, limit) : rows;
  const last = items[items.length - 1];
  return { items, nextCursor: more && last !== undefined ? encodeCursor(keyOf(last)) : null };
}
