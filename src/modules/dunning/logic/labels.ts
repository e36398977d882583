/**
 * The fixed words of letters, statements and emails (column headings, totals), per language. The
 * words a user chooses (subjects, paragraphs) are in the templates; these are the frame around them.
 */
export interface DocumentLabels {
  readonly account: string;
  readonly asOf: string;
  readonly document: string;
  readonly type: string;
  readonly issueDate: string;
  readonly dueDate: string;
  readonly daysPastDue: string;
  readonly amount: string;
  readonly open: string;
  readonly totalDue: string;
  readonly agingSummary: string;
  readonly current: string;
  /** `Over {n}` bucket heading. */
  readonly over: string;
  readonly page: string;
  readonly of: string;
  readonly unapplied: string;
  readonly balanceAfterUnapplied: string;
  readonly statementTitle: string;
  readonly period: string;
  readonly openingBalance: string;
  readonly closingBalance: string;
  readonly date: string;
  readonly balance: string;
  readonly openItems: string;
  readonly activity: string;
  readonly noActivity: string;
  readonly attachedStatement: string;
  readonly itemTypes: Readonly<Record<string, string>>;
}

const EN: DocumentLabels = {
  account: 'Account',
  asOf: 'Date',
  document: 'Document',
  type: 'Type',
  issueDate: 'Issue date',
  dueDate: 'Due date',
  daysPastDue: 'Days past due',
  amount: 'Amount',
  open: 'Open amount',
  totalDue: 'Total due',
  agingSummary: 'Aging summary',
  current: 'Current',
  over: 'Over',
  page: 'Page',
  of: 'of',
  unapplied: 'Payments received, not yet applied',
  balanceAfterUnapplied: 'Balance after those payments',
  statementTitle: 'Statement of account',
  period: 'Period',
  openingBalance: 'Opening balance',
  closingBalance: 'Closing balance',
  date: 'Date',
  balance: 'Balance',
  openItems: 'Open items',
  activity: 'Account activity',
  noActivity: 'No activity in the period.',
  attachedStatement: 'Please find your statement of account attached.',
  itemTypes: {
    invoice: 'Invoice',
    debit_memo: 'Debit memo',
    credit_memo: 'Credit memo',
    deduction: 'Deduction',
    on_account: 'On account',
  },
};

const ES: DocumentLabels = {
  account: 'Cuenta',
  asOf: 'Fecha',
  document: 'Documento',
  type: 'Tipo',
  issueDate: 'Emisión',
  dueDate: 'Vencimiento',
  daysPastDue: 'Días vencidos',
  amount: 'Importe',
  open: 'Pendiente',
  totalDue: 'Total adeudado',
  agingSummary: 'Antigüedad de saldos',
  current: 'Al corriente',
  over: 'Más de',
  page: 'Página',
  of: 'de',
  unapplied: 'Pagos recibidos aún no aplicados',
  balanceAfterUnapplied: 'Saldo tras esos pagos',
  statementTitle: 'Estado de cuenta',
  period: 'Periodo',
  openingBalance: 'Saldo inicial',
  closingBalance: 'Saldo final',
  date: 'Fecha',
  balance: 'Saldo',
  openItems: 'Partidas abiertas',
  activity: 'Movimientos de la cuenta',
  noActivity: 'Sin movimientos en el periodo.',
  attachedStatement: 'Adjuntamos su estado de cuenta.',
  itemTypes: {
    invoice: 'Factura',
    debit_memo: 'Nota de cargo',
    credit_memo: 'Nota de crédito',
    deduction: 'Deducción',
    on_account: 'A cuenta',
  },
};

const LABELS: Readonly<Record<string, DocumentLabels>> = { en: EN, es: ES };

/** The languages letters are written in; others fall back to English. */
export const DOCUMENT_LANGUAGES = Object.keys(LABELS);

/**
 * The best language available for a customer's preference: the exact tag, then its primary
 * language (`es-MX` → `es`), then English. `available` are the languages a template exists in.
 */
export function pickLanguage(preferred: string | null, available: readonly string[]): string {
  const want = (preferred ?? '').trim();
  if (want !== '') {
    const exact = available.find((a) => a.toLowerCase() === want.toLowerCase());
    if (exact) return exact;
    const primary = want.split('-')[0]?.toLowerCase() ?? '';
    const base = available.find((a) => a.toLowerCase() === primary);
    if (base) return base;
  }
  return available.includes('en') ? 'en' : (available[0] ?? 'en');
}

export function labelsFor(language: string): DocumentLabels {
  return LABELS[language] ?? LABELS[language.split('-')[0] ?? ''] ?? EN;
}

/** An aging bucket's heading in the document's language (`Current`, `1-30`, …, `Over 120`). */
export function bucketLabel(label: string, labels: DocumentLabels): string {
  if (label === 'Current') return labels.current;
  if (label.startsWith('Over ')) return `${labels.over} ${label.slice(5)}`;
  return label;
}
