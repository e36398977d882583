// X12 EDI: the 820 (payment order/remittance advice) and 835 (health care claim payment/advice)
// parsers, and the streaming tokenizer under them. The module's only public surface. The parsers
// produce the event model of bank-files (spec section 4).

import type { ParserFactory } from '../bank-files/index.ts';
import { X12_820 } from './x12-820.ts';
import { X12_835 } from './x12-835.ts';
import { createX12Reader } from './x12-envelope.ts';

export { createX12_820Parser } from './x12-820.ts';
export { createX12_835Parser } from './x12-835.ts';
export { MAX_SEGMENT, type SegmentHandler, type X12Delimiters, X12Tokenizer } from './x12-tokenizer.ts';

/**
 * Any X12 file of 820 and 835 transaction sets, told apart by each set's ST01; a file may mix them
 * (its `format` is that of its first set). Other transaction sets (997, 999, 810…) are skipped with a
 * warning.
 */
export const createX12Parser: ParserFactory = (sink, options) =>
  createX12Reader(sink, options, { '820': X12_820, '835': X12_835 }, '820 or 835');
