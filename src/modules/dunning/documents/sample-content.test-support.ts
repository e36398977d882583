import type { CurrencyCode } from '../../../core/currency.ts';
import type { LocalDate } from '../../../core/local-date.ts';
import { buildBuckets, DEFAULT_BOUNDARIES, type Statement } from '../../reporting/index.ts';
import { labelsFor } from '../logic/labels.ts';
import type { NoticeContent } from './render-notice.ts';

/** Documents for the renderers' tests: a letter and a statement, addressee and items as given. */

const USD = 'USD' as CurrencyCode;
const EUR = 'EUR' as CurrencyCode;
const d = (s: string) => s as LocalDate;

export interface SampleText {
  readonly company: string;
  readonly name: string;
  readonly address: readonly string[];
  readonly title: string;
  readonly body: string;
  /** Item numbers on the letter and document numbers on the statement. */
  readonly documents: readonly string[];
  /** Statement line types (item descriptions). */
  readonly types: readonly string[];
  readonly language?: string;
}

export const LATIN_SAMPLE: SampleText = {
  company: 'Arbor Supplies Inc.',
  name: 'Müller & Söhne GmbH',
  address: ['Königstraße 12', '70173 Stuttgart', 'Germany'],
  title: 'Demand for payment – account ACME-001',
  body:
    'Dear customer,\n\nOur records show that the invoices below are past due. “Please” pay the total due ' +
    'within ten days — or call us if you believe this is in error (€ amounts are shown in EUR).\n\n' +
    '{{items}}\n\nYours sincerely,\nAccounts Receivable',
  documents: ['INV-2026-0001', 'INV-2026-0002', 'DM-17', 'INV-2026-0003 (a rather long reference)'],
  types: ['Invoice', 'Payment', 'Debit memo', 'Credit memo'],
};

/** Names, addresses, paragraphs and item descriptions WinAnsi cannot encode. */
export const CZECH_POLISH_SAMPLE: SampleText = {
  company: 'Arbor Supplies s.r.o.',
  name: 'Dvořák Łódź Sp. z o.o.',
  address: ['ul. Świętokrzyska 12', '00-916 Warszawa', 'Polska'],
  title: 'Upomínka – účet ACME-001',
  body:
    'Vážený zákazníku,\n\nnaše záznamy ukazují, že níže uvedené faktury jsou po splatnosti. Žádáme Vás ' +
    'o úhradu celkové dlužné částky do deseti dnů. Uprzejmie prosimy o pilną zapłatę zaległości; ' +
    'w razie wątpliwości prosimy o kontakt z działem należności.\n\n{{items}}\n\nS pozdravem, účtárna',
  documents: ['FA-2026/Ł-01', 'Záloha č. 17', 'NO-ŹŻ-03', 'FV-2026-0004'],
  types: ['Faktura', 'Płatność', 'Nota obciążeniowa', 'Dobropis'],
};

export const GREEK_SAMPLE: SampleText = {
  company: 'Arbor Supplies Inc.',
  name: 'Ελληνική Α.Ε.',
  address: ['Οδός Ερμού 15', '105 63 Αθήνα', 'Ελλάδα'],
  title: 'Υπενθύμιση πληρωμής – λογαριασμός ACME-001',
  body:
    'Αγαπητέ πελάτη,\n\nτα παρακάτω τιμολόγια είναι ληξιπρόθεσμα. Παρακαλούμε να εξοφλήσετε το ' +
    'συνολικό οφειλόμενο ποσό εντός δέκα ημερών ή να επικοινωνήσετε μαζί μας.\n\n{{items}}',
  documents: ['ΤΙΜ-2026-001', 'ΤΙΜ-2026-002', 'ΠΙΣ-07', 'ΤΙΜ-2026-003'],
  types: ['Τιμολόγιο', 'Πληρωμή', 'Χρεωστικό', 'Πιστωτικό'],
};

export const CYRILLIC_SAMPLE: SampleText = {
  company: 'Arbor Supplies Inc.',
  name: 'Иванов',
  address: ['ул. Тверская, д. 7', 'Москва 125009', 'Россия'],
  title: 'Требование об оплате – счёт ACME-001',
  body:
    'Уважаемый клиент!\n\nПо нашим данным, срок оплаты указанных ниже счетов истёк. Просим ' +
    'погасить всю сумму задолженности в течение десяти дней. Если оплата уже произведена, ' +
    'пожалуйста, сообщите нам дату и номер платёжного поручения, чтобы мы могли её учесть. ' +
    'Задолженность, не погашенная в срок, может быть передана коллекторскому агентству.\n\n{{items}}',
  documents: ['СЧ-2026-001', 'СЧ-2026-002', 'АКТ-15', 'СЧ-2026-003'],
  types: ['Счёт-фактура', 'Оплата', 'Дебет-нота', 'Кредит-нота'],
};

export function sampleNotice(t: SampleText): NoticeContent {
  const labels = labelsFor(t.language ?? 'en');
  return {
    company: t.company,
    asOf: d('2026-03-31'),
    customer: { name: t.name, accountNumber: 'ACME-001', address: t.address },
    title: t.title,
    body: t.body,
    items: t.documents.map((number, i) => ({
      number,
      type: t.types[i % t.types.length] ?? 'Invoice',
      issueDate: d(`2026-01-0${i + 1}`),
      dueDate: d(`2026-02-0${i + 1}`),
      daysPastDue: 50 + i,
      currency: i % 2 === 0 ? USD : EUR,
      amount: 123_456n * BigInt(i + 1),
      open: 100_000n * BigInt(i + 1),
    })),
    totals: [
      { currency: USD, totalDue: 400_000n, unapplied: -5_000n },
      { currency: EUR, totalDue: 600_000n, unapplied: 0n },
    ],
    bucketLabels: ['Current', '1-30', '31-60', '61-90', 'Over 90'],
    aging: [
      { currency: USD, buckets: [0n, 0n, 400_000n, 0n, 0n] },
      { currency: EUR, buckets: [0n, 0n, 600_000n, 0n, 0n] },
    ],
    labels,
  };
}

export function sampleStatement(t: SampleText): Statement {
  return {
    customer: { accountNumber: 'ACME-001', name: t.name },
    from: d('2026-03-01'),
    to: d('2026-03-31'),
    currencies: [USD],
    opening: new Map([[USD, 250_000n]]),
    closing: new Map([[USD, 190_000n]]),
    lines: t.documents.map((document, i) => ({
      date: d(`2026-03-1${i}`),
      type: t.types[i % t.types.length] ?? 'Invoice',
      document,
      reference: null,
      currency: USD,
      amount: i % 2 === 0 ? 10_000n : -25_000n,
      balance: 250_000n - 15_000n * BigInt(i),
    })),
    openItems: t.documents.slice(0, 2).map((number, i) => ({
      number,
      type: t.types[i] ?? 'Invoice',
      issueDate: d('2026-01-05'),
      dueDate: d('2026-02-04'),
      daysPastDue: 55,
      currency: USD,
      amount: 100_000n,
      open: 95_000n,
    })),
    unapplied: new Map([[USD, -5_000n]]),
    buckets: buildBuckets(d('2026-03-31'), 'due', DEFAULT_BOUNDARIES),
    aging: new Map([[USD, [0n, 0n, 190_000n, 0n, 0n, 0n]]]),
  };
}
