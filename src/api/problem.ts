import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { type AppError, type ErrorKind, isAppError } from '../core/errors.ts';

/** RFC 9457 problem details, with the module's error code. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  instance?: string;
  requestId?: string;
  errors?: { field?: string; line?: number; message: string }[];
}

/** The one place an error kind becomes an HTTP status (STYLE.md: each boundary maps errors once). */
export const STATUS_OF_KIND: Readonly<Record<ErrorKind, ContentfulStatusCode>> = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  rate_limited: 429,
  unavailable: 503,
};

const TITLES: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export function problemOf(error: AppError, requestId?: string): Problem {
  const status = STATUS_OF_KIND[error.kind];
  return {
    type: `https://arbor.dev/problems/${error.code}`,
    title: TITLES[status] ?? 'Error',
    status,
    detail: error.message,
    code: error.code,
    ...(requestId ? { requestId } : {}),
    ...(error.issues.length > 0
      ? {
          errors: error.issues.map((i) => ({
            ...(i.column ? { field: i.column } : {}),
            ...(i.line !== undefined ? { line: i.line } : {}),
            message: i.message,
          })),
        }
      : {}),
  };
}

export function problemResponse(c: Context, problem: Problem): Response {
  return c.body(JSON.stringify(problem), problem.status as ContentfulStatusCode, {
    'content-type': 'application/problem+json',
  });
}

/** Unknown errors are logged in full by the caller and shown masked. */
export function internalProblem(requestId?: string): Problem {
  return {
    type: 'https://arbor.dev/problems/internal',
    title: 'Internal Server Error',
    status: 500,
    detail: 'an unexpected error occurred; the request id identifies it in the server log',
    code: 'api.internal',
    ...(requestId ? { requestId } : {}),
  };
}

export function toProblem(error: unknown, requestId?: string): Problem | null {
  return isAppError(error) ? problemOf(error, requestId) : null;
}
