const bigintAsText = (_k: string, v: unknown) => (typeof v === 'bigint' ? v.toString() : v);

/**
 * JSON with bigint as decimal text. A replacer takes V8 off its fast serializer for the whole value,
 * so it is used only when a bigint is there to convert: plain `JSON.stringify` refuses a bigint with
 * a TypeError, and then the value is written again with the replacer (which throws the same
 * TypeError for what it cannot write either, a cycle).
 */
export function stringifyJson(value: unknown, indent?: number): string {
  try {
    return JSON.stringify(value, null, indent);
  } catch (e) {
    if (!(e instanceof TypeError)) throw e;
    return JSON.stringify(value, bigintAsText, indent);
  }
}
