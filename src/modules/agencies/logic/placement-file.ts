/**
 * The placement file an agency receives: one row per placed item, the account's identity and
 * contacts repeated on each row so that any row stands alone (docs/worklist.md lists the columns).
 * Amounts are decimal strings in major units; dates YYYY-MM-DD.
 */
export const PLACEMENT_FILE_COLUMNS = [
  'placement_id',
  'agency_code',
  'placed_on',
  'account_number',
  'customer_name',
  'customer_type',
  'address_line1',
  'address_line2',
  'city',
  'region',
  'postal_code',
  'country',
  'contact_name',
  'contact_email',
  'contact_phone',
  'currency',
  'account_placed_total',
  'item_number',
  'item_type',
  'issue_date',
  'due_date',
  'days_past_due',
  'item_amount',
  'placed_amount',
  'open_amount',
  'po_number',
] as const;

export type PlacementFileColumn = (typeof PLACEMENT_FILE_COLUMNS)[number];
export type PlacementFileRow = Readonly<Record<PlacementFileColumn, string>>;

/** The rows in file order (placement, then due date, then item number), as CSV cells. */
export function placementFileCells(rows: readonly PlacementFileRow[]): string[][] {
  return [...rows]
    .sort((a, b) =>
      a.placement_id !== b.placement_id
        ? a.placement_id < b.placement_id
          ? -1
          : 1
        : a.due_date !== b.due_date
          ? a.due_date < b.due_date
            ? -1
            : 1
          : a.item_number < b.item_number
            ? -1
            : 1,
    )
    .map((r) => PLACEMENT_FILE_COLUMNS.map((c) => r[c]));
}
