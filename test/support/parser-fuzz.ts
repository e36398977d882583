import fc from 'fast-check';
import { expect } from 'vitest';
import { isAppError } from '../../src/core/errors.ts';
import {
  type BankFileFormat,
  type ParsedFile,
  type ParserFactory,
  parseText,
} from '../../src/modules/bank-files/index.ts';

/**
 * What the parsers' fuzz tests share: random damage to a file (a changed character, truncation, a
 * lost or doubled line, inserted text — pieces of the format itself, so that insertions make near
 * misses rather than noise), the outcome of a parse (a document, or the clean `bank_files.unreadable`
 * refusal; any other exception fails the test), and the checks every document must pass.
 */
export type Mutation =
  | { kind: 'set'; at: number; char: string }
  | { kind: 'truncate'; at: number }
  | { kind: 'dropLine'; at: number }
  | { kind: 'doubleLine'; at: number }
  | { kind: 'insert'; at: number; text: string };

export function mutationOf(pieces: readonly string[], chars?: readonly string[]): fc.Arbitrary<Mutation> {
  const char =
    chars === undefined
      ? fc.string({ minLength: 1, maxLength: 1, unit: 'binary' })
      : fc.oneof(fc.constantFrom(...chars), fc.string({ minLength: 1, maxLength: 1, unit: 'binary' }));
  return fc.oneof(
    fc.record({ kind: fc.constant('set' as const), at: fc.nat(), char }),
    fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
    fc.record({ kind: fc.constant('dropLine' as const), at: fc.nat() }),
    fc.record({ kind: fc.constant('doubleLine' as const), at: fc.nat() }),
    fc.record({
      kind: fc.constant('insert' as const),
      at: fc.nat(),
      text: fc.oneof(fc.constantFrom(...pieces), fc.string({ maxLength: 12, unit: 'binary' })),
    }),
  );
}

export function mutate(text: string, m: Mutation): string {
  const at = text.length === 0 ? 0 : m.at % (text.length + 1);
  switch (m.kind) {
    case 'set':
      return text.slice(0, at) + m.char + text.slice(at + 1);
    case 'truncate':
      return text.slice(0, at);
    case 'insert':
      return text.slice(0, at) + m.text + text.slice(at);
    case 'dropLine':
    case 'doubleLine': {
      const lines = text.split('\n');
      const i = m.at % lines.length;
      if (m.kind === 'dropLine') lines.splice(i, 1);
      else lines.splice(i, 0, lines[i] ?? '');
      return lines.join('\n');
    }
  }
}

export type Outcome = { doc: ParsedFile } | { error: string };

/** Parses `text` in chunks of `chunkSize`; a refusal is an outcome, any other exception is thrown. */
export function parseOutcome(
  factory: ParserFactory,
  format: BankFileFormat,
  text: string,
  fileName: string,
  chunkSize = Number.POSITIVE_INFINITY,
): Outcome {
  try {
    return { doc: parseText(factory, format, text, { fileName }, chunkSize) };
  } catch (e) {
    if (isAppError(e) && e.code === 'bank_files.unreadable') return { error: e.message };
    throw e;
  }
}

const DECIMAL = /^-?(0|[1-9]\d*)(\.\d+)?$/;
const DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

/** Every document, however damaged its file: canonical amounts and dates, known directions, located warnings. */
export function expectWellFormed(doc: ParsedFile, formats: readonly BankFileFormat[]): void {
  expect(formats).toContain(doc.format);
  for (const s of doc.statements ?? []) {
    expect(typeof s.account).toBe('string');
    if (s.currency !== null) expect(s.currency).toMatch(/^[A-Z]{3}$/);
    for (const b of [s.opening_balance, s.closing_balance]) if (b !== null) expect(b).toMatch(DECIMAL);
    for (const e of s.entries) {
      expect(e.amount).toMatch(DECIMAL);
      expect(e.amount.startsWith('-')).toBe(false);
      expect(['credit', 'debit']).toContain(e.direction);
      for (const d of [e.booking_date, e.value_date]) if (d !== null) expect(d).toMatch(DATE);
      expect(typeof e.reversal).toBe('boolean');
    }
  }
  for (const r of doc.remittances ?? []) for (const l of r.lines) expect(l.paid).toMatch(DECIMAL);
  for (const w of doc.warnings) {
    expect(w.message).not.toBe('');
    if (w.line !== null) expect(w.line).toBeGreaterThan(0);
  }
}
