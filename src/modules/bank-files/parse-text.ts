import {
  type BankFileFormat,
  collectParse,
  type ParsedFile,
  type ParserFactory,
  type ParserOptions,
} from './model.ts';

/**
 * Runs a parser over text already in memory and collects the result (tests, small files, CTX addenda).
 * `chunkSize` splits the text into pushes of that many characters, so that tests can prove a parser
 * does not depend on where chunks break.
 */
export function parseText<O extends ParserOptions>(
  factory: ParserFactory<O>,
  format: BankFileFormat,
  text: string,
  options: O,
  chunkSize = Number.POSITIVE_INFINITY,
): ParsedFile {
  const { sink, result } = collectParse(format);
  const parser = factory(sink, options);
  if (chunkSize >= text.length) parser.push(text);
  else for (let i = 0; i < text.length; i += chunkSize) parser.push(text.slice(i, i + chunkSize));
  parser.end();
  return result();
}
