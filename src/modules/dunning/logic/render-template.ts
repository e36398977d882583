/**
 * Merge fields of dunning templates: `{{customer.name}}`, `{{total_due}}`, `{{items}}`, … A template
 * may name only these; a template is checked when it is saved, so a run never meets an unknown one.
 */
export const MERGE_FIELDS = {
  'customer.name': 'the customer’s name',
  'customer.account_number': 'the customer’s account number',
  'customer.address': 'the customer’s postal address, one line',
  'company.name': 'the name of the entity the customer owes (the sender)',
  'contact.name': 'the first recipient’s name (else the customer’s)',
  total_due: 'everything the customer owes, per currency (open items, credits netted)',
  overdue_total: 'the part of it that is past due',
  items: 'the table of open items (in a letter, drawn as a table where the field stands)',
  due_date: 'the earliest due date among the items this step is about',
  days_past_due: 'the most days past due among those items',
  as_of: 'the date of the notice (the run date)',
  'step.days': 'the step’s day relative to the due date',
} as const;

export type MergeField = keyof typeof MERGE_FIELDS;

const FIELD = /\{\{\s*([a-z_.]+)\s*\}\}/g;

/** The merge fields a text names, in order of first use. */
export function templateFields(text: string): string[] {
  return [...new Set([...text.matchAll(FIELD)].map((m) => m[1] ?? ''))];
}

/** The fields a text names that are not merge fields (empty when the text is good). */
export function unknownFields(text: string): string[] {
  return templateFields(text).filter((f) => !(f in MERGE_FIELDS));
}

/** Replaces each `{{field}}` with its value; a field without a value is left as written. */
export function renderTemplate(text: string, values: Partial<Record<MergeField, string>>): string {
  return text.replace(FIELD, (whole, name: string) => values[name as MergeField] ?? whole);
}

/** True when `{{items}}` stands alone on a line (a letter draws the table there). */
export function isItemsLine(line: string): boolean {
  return /^\s*\{\{\s*items\s*\}\}\s*$/.test(line);
}

export interface ItemsTableRow {
  readonly document: string;
  readonly dueDate: string;
  readonly daysPastDue: number;
  readonly open: string;
}

/** The items as a plain-text table for an email body (fixed-width columns). */
export function formatItemsText(
  rows: readonly ItemsTableRow[],
  headings: { document: string; dueDate: string; daysPastDue: string; open: string },
): string {
  const w = [
    Math.max(headings.document.length, ...rows.map((r) => r.document.length)),
    Math.max(headings.dueDate.length, 10),
    Math.max(headings.daysPastDue.length, ...rows.map((r) => String(r.daysPastDue).length)),
    Math.max(headings.open.length, ...rows.map((r) => r.open.length)),
  ];
  const line = (cells: string[]) =>
    [
      (cells[0] ?? '').padEnd(w[0] ?? 0),
      (cells[1] ?? '').padEnd(w[1] ?? 0),
      (cells[2] ?? '').padStart(w[2] ?? 0),
      (cells[3] ?? '').padStart(w[3] ?? 0),
    ]
      .join('  ')
      .trimEnd();
  return [
    line([headings.document, headings.dueDate, headings.daysPastDue, headings.open]),
    ...rows.map((r) => line([r.document, r.dueDate, String(r.daysPastDue), r.open])),
  ].join('\n');
}
