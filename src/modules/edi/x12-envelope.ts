import {
  type BankFileFormat,
  type FormatParser,
  type ParserOptions,
  type ParseSink,
  unreadable,
} from '../bank-files/index.ts';
import { printable, type X12Delimiters, X12Tokenizer } from './x12-tokenizer.ts';

/**
 * The X12 envelope (X12.5 and X12.6): interchanges (ISA … IEA) hold functional groups (GS … GE),
 * which hold transaction sets (ST … SE). This reader checks the envelope's own controls and hands each
 * transaction set's segments to a handler chosen by ST01 (820, 835, …), which emits what it read when
 * the set ends. Memory is bounded by one transaction set.
 *
 * Controls checked, each a warning when broken (the file still reads):
 * - SE01 is the number of segments from ST to SE inclusive; SE02 repeats ST02;
 * - GE01 is the number of transaction sets in the group; GE02 repeats GS06;
 * - IEA01 is the number of functional groups in the interchange; IEA02 repeats ISA13;
 * - every header has its trailer (a missing SE is reported, and the set still emitted, when another
 *   ST, GS, GE or IEA follows it; a file that ends inside a transaction set is truncated: unreadable).
 * A file without any transaction set the parser accepts is unreadable.
 */

export interface SetHeader {
  /** ST01, the transaction set identifier (`820`). */
  type: string;
  /** ST02, the transaction set control number. */
  control: string;
  line: number;
}

export interface X12Context {
  readonly sink: ParseSink;
  readonly fileName: string;
  /** The component separator (ISA16), or null when the file has no ISA. */
  component(): string | null;
  /** A segment's elements (element 0 its identifier). */
  split(segment: string): string[];
  warn(line: number | null, message: string): void;
}

/**
 * Reads one transaction set: `segment` gets each segment the kind `reads` (its text, to split with
 * `ctx.split` when the elements are needed); `end` is called at its SE (or when it is closed without).
 */
export interface TransactionSetHandler {
  segment(id: string, text: string, line: number): void;
  end(line: number): void;
}

export type TransactionSetFactory = (ctx: X12Context, header: SetHeader) => TransactionSetHandler;

export interface TransactionSetKind {
  /** The format reported to the sink for a file whose first accepted set is of this kind. */
  format: BankFileFormat;
  /** The segments the handler reads; others are counted but not split or passed on. */
  reads: ReadonlySet<string>;
  create: TransactionSetFactory;
}

interface OpenInterchange {
  control: string;
  line: number;
  groups: number;
}

interface OpenGroup {
  control: string;
  line: number;
  version: string | null;
  sets: number;
}

interface OpenSet extends SetHeader {
  segments: number;
  handler: TransactionSetHandler | null;
  reads: ReadonlySet<string>;
}

const NOTHING: ReadonlySet<string> = new Set();

/** X12 segment identifiers are two or three upper-case letters or digits. */
function isSegmentId(id: string): boolean {
  const n = id.length;
  if (n < 2 || n > 3) return false;
  for (let i = 0; i < n; i++) {
    const c = id.charCodeAt(i);
    if (!((c >= 65 && c <= 90) || (c >= 48 && c <= 57))) return false;
  }
  return true;
}

function trimmed(elements: string[], index: number): string {
  return (elements[index] ?? '').trim();
}

/** A count element (SE01, GE01, IEA01): digits only, else null. */
function countOf(text: string): number | null {
  return /^\d{1,9}$/.test(text) ? Number(text) : null;
}

/**
 * A push parser for X12 files that accepts the transaction set types in `kinds` (by ST01) and
 * skips others with a warning. `expected` names the accepted sets in messages (`820 or 835`).
 */
export function createX12Reader(
  sink: ParseSink,
  options: ParserOptions,
  kinds: Readonly<Record<string, TransactionSetKind>>,
  expected: string,
): FormatParser {
  const fileName = options.fileName;
  let interchange: OpenInterchange | null = null;
  let group: OpenGroup | null = null;
  let set: OpenSet | null = null;
  let accepted = 0;
  /** Line of the first segment of the current run of segments outside any transaction set. */
  let outsideSince: number | null = null;

  const ctx: X12Context = {
    sink,
    fileName,
    component: () => tokenizer.delimiters?.component ?? null,
    split: (segment) => tokenizer.splitSegment(segment),
    warn: (line, message) => sink.warning({ line, message }),
  };

  const describe = (s: SetHeader) =>
    `transaction set ${printable(s.type)} ${printable(s.control)} (line ${s.line})`;

  function closeSet(line: number, reason: string): void {
    if (set === null) return;
    ctx.warn(set.line, `${describe(set)} has no SE trailer: ${reason}`);
    const open = set;
    set = null;
    open.handler?.end(line);
  }

  function closeGroup(reason: string): void {
    if (group === null) return;
    ctx.warn(
      group.line,
      `functional group ${group.control} (line ${group.line}) has no GE trailer: ${reason}`,
    );
    group = null;
  }

  function startSet(elements: string[], line: number): void {
    const type = trimmed(elements, 1);
    const control = trimmed(elements, 2);
    const header: SetHeader = { type, control, line };
    if (group !== null) group.sets++;
    const kind = kinds[type];
    let handler: TransactionSetHandler | null = null;
    let reads: ReadonlySet<string> = NOTHING;
    if (kind === undefined) {
      ctx.warn(line, `${describe(header)} is not an ${expected}; skipped`);
    } else {
      if (accepted === 0) {
        sink.format?.(kind.format);
        // The implementation guide version: GS08 (`005010X221A1`), else ST03.
        sink.version(group?.version || trimmed(elements, 3) || null);
      }
      accepted++;
      handler = kind.create(ctx, header);
      reads = kind.reads;
    }
    set = { ...header, segments: 1, handler, reads };
  }

  function endSet(elements: string[], line: number): void {
    if (set === null) {
      ctx.warn(line, 'SE trailer without an ST header; ignored');
      return;
    }
    const open = set;
    set = null;
    open.segments++;
    // The set's own checks (amounts, balances) come first: they are about earlier lines.
    open.handler?.end(line);
    const stated = trimmed(elements, 1);
    const count = countOf(stated);
    if (count === null) {
      ctx.warn(line, `${describe(open)}: SE01 segment count '${printable(stated)}' is not a number`);
    } else if (count !== open.segments) {
      ctx.warn(
        line,
        `${describe(open)}: SE01 segment count ${count} differs from the ${open.segments} segments from ST to SE`,
      );
    }
    const control = trimmed(elements, 2);
    if (control !== open.control) {
      ctx.warn(line, `${describe(open)}: SE02 control number '${printable(control)}' differs from ST02`);
    }
  }

  function onSegment(text: string, line: number): void {
    const cut = text.indexOf(separator());
    const id = cut < 0 ? text : text.slice(0, cut);
    switch (id) {
      case 'ISA': {
        const elements = tokenizer.splitSegment(text);
        closeSet(line, `an ISA follows at line ${line}`);
        closeGroup(`an ISA follows at line ${line}`);
        if (interchange !== null) {
          ctx.warn(
            interchange.line,
            `interchange ${interchange.control} (line ${interchange.line}) has no IEA trailer: an ISA follows at line ${line}`,
          );
        }
        interchange = { control: trimmed(elements, 13), line, groups: 0 };
        outsideSince = null;
        return;
      }
      case 'GS': {
        const elements = tokenizer.splitSegment(text);
        closeSet(line, `a GS follows at line ${line}`);
        closeGroup(`a GS follows at line ${line}`);
        if (interchange !== null) interchange.groups++;
        group = { control: trimmed(elements, 6), line, version: trimmed(elements, 8) || null, sets: 0 };
        outsideSince = null;
        return;
      }
      case 'ST': {
        const elements = tokenizer.splitSegment(text);
        closeSet(line, `an ST follows at line ${line}`);
        startSet(elements, line);
        outsideSince = null;
        return;
      }
      case 'SE':
        endSet(tokenizer.splitSegment(text), line);
        return;
      case 'GE': {
        const elements = tokenizer.splitSegment(text);
        closeSet(line, `a GE follows at line ${line}`);
        if (group === null) {
          ctx.warn(line, 'GE trailer without a GS header; ignored');
          return;
        }
        const stated = trimmed(elements, 1);
        const count = countOf(stated);
        if (count !== group.sets) {
          ctx.warn(
            line,
            `functional group ${group.control}: GE01 transaction set count '${printable(stated)}' differs from the ${group.sets} transaction sets in the group`,
          );
        }
        const control = trimmed(elements, 2);
        if (control !== group.control) {
          ctx.warn(
            line,
            `functional group ${group.control}: GE02 control number '${printable(control)}' differs from GS06`,
          );
        }
        group = null;
        return;
      }
      case 'IEA': {
        const elements = tokenizer.splitSegment(text);
        closeSet(line, `an IEA follows at line ${line}`);
        closeGroup(`an IEA follows at line ${line}`);
        if (interchange === null) {
          ctx.warn(line, 'IEA trailer without an ISA header; ignored');
          return;
        }
        const stated = trimmed(elements, 1);
        const count = countOf(stated);
        if (count !== interchange.groups) {
          ctx.warn(
            line,
            `interchange ${interchange.control}: IEA01 functional group count '${printable(stated)}' differs from the ${interchange.groups} functional groups in the interchange`,
          );
        }
        const control = trimmed(elements, 2);
        if (control !== interchange.control) {
          ctx.warn(
            line,
            `interchange ${interchange.control}: IEA02 control number '${printable(control)}' differs from ISA13`,
          );
        }
        interchange = null;
        return;
      }
      default: {
        if (set === null) {
          if (outsideSince === null) {
            outsideSince = line;
            ctx.warn(
              line,
              `segment ${printable(id)} is outside any transaction set; ignored up to the next ST`,
            );
          }
          return;
        }
        set.segments++;
        if (!isSegmentId(id)) {
          ctx.warn(line, `'${printable(id.slice(0, 20))}' is not a segment identifier; segment ignored`);
          return;
        }
        if (set.handler !== null && set.reads.has(id)) set.handler.segment(id, text, line);
      }
    }
  }

  const tokenizer = new X12Tokenizer(onSegment, fileName);
  const separator = () => (tokenizer.delimiters as X12Delimiters).element;

  return {
    push(chunk) {
      tokenizer.push(chunk);
    },
    end() {
      tokenizer.end();
      if (set !== null) {
        const open: OpenSet = set;
        throw unreadable(fileName, open.line, `the file ends inside ${describe(open)}: no SE trailer`);
      }
      closeGroup('the file ends');
      if (interchange !== null) {
        const open: OpenInterchange = interchange;
        ctx.warn(
          open.line,
          `interchange ${open.control} (line ${open.line}) has no IEA trailer: the file ends`,
        );
      }
      if (accepted === 0) throw unreadable(fileName, null, `no X12 ${expected} transaction set in the file`);
    },
  };
}
