// Reading any supported bank or remittance file: format detection from content, encoding, and the
// streaming driver that feeds the format's parser. The module's only public surface.

export { type DetectedFamily, defaultFormatOf, detectFormat } from './detect-format.ts';
export { type ParseFileOptions, type ParseFileResult, parseBankFile } from './parse-file.ts';
export { encodingOf } from './read-text.ts';
