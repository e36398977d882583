import { addDays, type LocalDate } from '../../../core/local-date.ts';

/**
 * The naive forecast's payment date (the baseline the model must beat): the due date plus the
 * customer's average days late over its paid history (amount-weighted; 0 without history), rounded to
 * a whole day. A date on or before the as-of date (the money is overdue by that measure) is taken as
 * expected at once: the day after the as-of date, in week 1.
 */
export function naivePaymentDate(dueDate: LocalDate, averageDaysLate: number, asOf: LocalDate): LocalDate {
  const predicted = addDays(dueDate, Math.round(averageDaysLate));
  return predicted > asOf ? predicted : addDays(asOf, 1);
}
