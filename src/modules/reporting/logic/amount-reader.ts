/**
 * Reads space-separated integers (decimal text, as PostgreSQL writes a numeric) one at a time, as
 * bigint. Up to 15 characters an integer is exact as a double (|x| < 10^15 < 2^53), so it is read
 * digit by digit without a substring; a longer one goes through BigInt. Reading in place instead of
 * splitting keeps a list of hundreds of thousands of strings from outliving the loop.
 */
export interface AmountReader {
  next(): bigint;
  /**
   * The amount `next` just returned as a double when it is exact as one (15 digits or fewer), else
   * NaN: callers sum it as a number without converting the bigint back.
   */
  readonly last: number;
  /** Throws unless every amount has been read. */
  end(): void;
}

export function createAmountReader(text: string): AmountReader {
  const length = text.length;
  let at = 0;
  const reader = {
    last: Number.NaN,
    next() {
      if (at >= length) throw new Error('amounts: read past the last one');
      const start = at;
      const negative = text.charCodeAt(at) === 45; // '-'
      if (negative) at++;
      let value = 0;
      for (; at < length; at++) {
        const c = text.charCodeAt(at);
        if (c === 32) break; // ' '
        if (c < 48 || c > 57) throw new Error(`amounts: not an integer at ${start}`);
        value = value * 10 + (c - 48);
      }
      const end = at++;
      if (end === start + (negative ? 1 : 0)) throw new Error(`amounts: empty at ${start}`);
      if (end - start > 15) {
        reader.last = Number.NaN;
        return BigInt(text.slice(start, end));
      }
      if (value === 0) {
        reader.last = 0;
        return 0n;
      }
      const signed = negative ? -value : value;
      reader.last = signed;
      return BigInt(signed);
    },
    end() {
      if (at < length) throw new Error('amounts: more than were read');
    },
  };
  return reader;
}
