import { describe, expect, it } from 'vitest';
import { DEFAULT_TEMPLATES } from './default-templates.ts';
import {
  formatItemsText,
  isItemsLine,
  renderTemplate,
  templateFields,
  unknownFields,
} from './render-template.ts';

describe('merge fields', () => {
  it('fills the fields it knows, with or without spaces inside the braces', () => {
    expect(
      renderTemplate('Dear {{ customer.name }}, you owe {{total_due}} as of {{as_of}}.', {
        'customer.name': 'Acme',
        total_due: '1,000.00 USD',
        as_of: '2026-06-30',
      }),
    ).toBe('Dear Acme, you owe 1,000.00 USD as of 2026-06-30.');
  });

  it('leaves a field without a value as written, and names unknown fields', () => {
    expect(renderTemplate('{{due_date}} {{nope}}', {})).toBe('{{due_date}} {{nope}}');
    expect(templateFields('{{a.b}} {{items}} {{a.b}}')).toEqual(['a.b', 'items']);
    expect(unknownFields('{{customer.name}} {{customer.balance}} {{items}}')).toEqual(['customer.balance']);
  });

  it('recognizes {{items}} alone on a line', () => {
    expect(isItemsLine('  {{ items }} ')).toBe(true);
    expect(isItemsLine('see {{items}}')).toBe(false);
  });

  it('ships default templates in English and Spanish that use only known fields', () => {
    const codes = new Set(DEFAULT_TEMPLATES.map((t) => t.code));
    for (const code of codes) {
      const langs = DEFAULT_TEMPLATES.filter((t) => t.code === code).map((t) => t.language);
      expect(langs.sort(), code).toEqual(['en', 'es']);
    }
    for (const t of DEFAULT_TEMPLATES) {
      expect(unknownFields(t.subject), `${t.code}/${t.language}`).toEqual([]);
      expect(unknownFields(t.body), `${t.code}/${t.language}`).toEqual([]);
    }
  });
});

describe('formatItemsText', () => {
  it('aligns documents left and numbers right under their headings', () => {
    const text = formatItemsText(
      [
        { document: 'INV-1', dueDate: '2026-05-01', daysPastDue: 60, open: '1,000.00 USD' },
        { document: 'INV-22', dueDate: '2026-06-20', daysPastDue: 10, open: '5.00 USD' },
      ],
      { document: 'Document', dueDate: 'Due date', daysPastDue: 'Days', open: 'Open amount' },
    );
    expect(text.split('\n')).toEqual([
      'Document  Due date    Days   Open amount',
      'INV-1     2026-05-01    60  1,000.00 USD',
      'INV-22    2026-06-20    10      5.00 USD',
    ]);
  });
});
