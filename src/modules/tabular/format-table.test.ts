import { describe, expect, it } from 'vitest';
import { displayWidth, formatTextTable } from './format-table.ts';

describe('formatTextTable', () => {
  it('aligns columns, with a rule under the header and above the footer', () => {
    const text = formatTextTable(
      [{ name: 'customer' }, { name: 'current', align: 'right' }, { name: '90+', align: 'right' }],
      [
        ['Acme Corp', '1,234.56', '0.00'],
        ['Zoë GmbH', '12.00', '99,999.99'],
      ],
      { footer: ['Total', '1,246.56', '99,999.99'] },
    );
    expect(text).toBe(
      [
        'customer    current        90+',
        '---------  --------  ---------',
        'Acme Corp  1,234.56       0.00',
        'Zoë GmbH      12.00  99,999.99',
        '---------  --------  ---------',
        'Total      1,246.56  99,999.99',
        '',
      ].join('\n'),
    );
  });

  it('pads short rows, keeps rows on one line and leaves no trailing spaces', () => {
    const text = formatTextTable([{ name: 'a' }, { name: 'b' }], [['x'], ['two\r\nlines', 'tab\there']]);
    expect(text).toBe(['a          b', '---------  --------', 'x', 'two lines  tab here', ''].join('\n'));
  });

  it('measures wide and combining characters in terminal cells', () => {
    expect(displayWidth('abc')).toBe(3);
    expect(displayWidth('日本')).toBe(4);
    expect(displayWidth('e\u0301')).toBe(1);
    const text = formatTextTable([{ name: 'name' }, { name: 'n', align: 'right' }], [['日本', '1']]);
    expect(text.split('\n')[2]).toBe('日本  1');
  });

  it('prints nothing for no columns', () => {
    expect(formatTextTable([], [])).toBe('');
  });
});
