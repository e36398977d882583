import { describe, expect, it } from 'vitest';
import { columnLetter } from './column-letter.ts';

describe('columnLetter', () => {
  it('names columns the way spreadsheets do', () => {
    expect([1, 2, 26, 27, 52, 53, 702, 703, 16384].map(columnLetter)).toEqual([
      'A',
      'B',
      'Z',
      'AA',
      'AZ',
      'BA',
      'ZZ',
      'AAA',
      'XFD',
    ]);
  });
});
