import fc from 'fast-check';
import { expect } from 'vitest';
import { isAppError } from '../../src/core/errors.ts';
import {
  type BankFileFormat,
  type ParsedFile,
  type ParserFactory,
  parseText,
  type StatementEntry,
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

/** Parses whole and in chunks of 1, 7 and 4096 characters; the results must be the same. */
export function parseEveryChunking(
  factory: ParserFactory,
  format: BankFileFormat,
  text: string,
  fileName: string,
): ParsedFile {
  const whole = parseText(factory, format, text, { fileName });
  for (const chunk of [1, 7, 4096])
    expect(parseText(factory, format, text, { fileName }, chunk)).toEqual(whole);
  return whole;
}

/**
 * The `bank_files.unreadable` message for a file, which every chunking must refuse with the same
 * message; fails when any chunking reads the file or throws something else.
 */
export function unreadableMessage(
  factory: ParserFactory,
  format: BankFileFormat,
  text: string,
  fileName: string,
): string {
  let message: string | null = null;
  for (const chunk of [Number.POSITIVE_INFINITY, 1, 7, 4096]) {
    try {
      parseText(factory, format, text, { fileName }, chunk);
    } catch (e) {
      if (!isAppError(e) || e.code !== 'bank_files.unreadable') throw e;
      if (message !== null) expect(e.message).toBe(message);
      message = e.message;
      continue;
    }
    throw new Error(`chunk size ${chunk}: the file was read`);
  }
  return message as string;
}

/** A statement entry with every field empty, for tests to spread their expectations over. */
export const EMPTY_ENTRY: StatementEntry = {
  reference: null,
  booking_date: null,
  value_date: null,
  amount: '0.00',
  direction: 'credit',
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
