import { stringifyJson } from '../core/json-text.ts';

/**
 * JSON lines to a stream: one object per event, with the request id. Callers pass only what is safe
 * to keep: never passwords, tokens, cookies, request bodies or protected health information.
 */
export interface Logger {
  info(event: string, fields?: Record<string, unknown>): void;
  warn(event: string, fields?: Record<string, unknown>): void;
  error(event: string, fields?: Record<string, unknown>): void;
}

export function jsonLogger(write: (line: string) => void, base: Record<string, unknown> = {}): Logger {
  const emit = (level: string, event: string, fields?: Record<string, unknown>) => {
    write(`${stringifyJson({ time: new Date().toISOString(), level, event, ...base, ...fields })}\n`);
  };
  return {
    info: (event, fields) => emit('info', event, fields),
    warn: (event, fields) => emit('warn', event, fields),
    error: (event, fields) => emit('error', event, fields),
  };
}

/** Collects events in memory (tests). */
export function memoryLogger(): Logger & { readonly lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const push = (level: string) => (event: string, fields?: Record<string, unknown>) => {
    lines.push({ level, event, ...fields });
  };
  return { lines, info: push('info'), warn: push('warn'), error: push('error') };
}
