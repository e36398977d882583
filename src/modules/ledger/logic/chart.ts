import type { GlAccountType } from '../../../db/schema.ts';

/**
 * The accounts an AR subledger posts to, by role. Each entity has exactly one account per role; a
 * posting names roles, and the ledger resolves them to the entity's accounts.
 */
export const ACCOUNT_ROLES = [
  'cash',
  'ar_control',
  'allowance',
  'unapplied_cash',
  'revenue',
  'sales_discounts',
  'bank_charges',
  'bad_debt_expense',
  'fx_gain',
  'fx_loss',
  'suspense',
] as const;

export type AccountRole = (typeof ACCOUNT_ROLES)[number];

export interface ChartAccount {
  readonly role: AccountRole;
  readonly code: string;
  readonly name: string;
  readonly type: GlAccountType;
}

/**
 * The default chart for a new entity. Contra accounts keep their natural side: the allowance is an
 * asset account with a credit balance, sales discounts a revenue account with a debit balance.
 * Unapplied cash is a liability: money received that is not yet matched to what the customer owes.
 */
export const DEFAULT_CHART: readonly ChartAccount[] = [
  { role: 'cash', code: '1000', name: 'Cash', type: 'asset' },
  { role: 'ar_control', code: '1100', name: 'Accounts receivable', type: 'asset' },
  { role: 'allowance', code: '1190', name: 'Allowance for doubtful accounts', type: 'asset' },
  { role: 'unapplied_cash', code: '2150', name: 'Unapplied cash', type: 'liability' },
  { role: 'revenue', code: '4000', name: 'Revenue', type: 'revenue' },
  { role: 'sales_discounts', code: '4900', name: 'Sales discounts', type: 'revenue' },
  { role: 'bank_charges', code: '6100', name: 'Bank charges', type: 'expense' },
  { role: 'bad_debt_expense', code: '6200', name: 'Bad-debt expense', type: 'expense' },
  { role: 'fx_gain', code: '7100', name: 'Realized foreign-exchange gain', type: 'revenue' },
  { role: 'fx_loss', code: '7200', name: 'Realized foreign-exchange loss', type: 'expense' },
  { role: 'suspense', code: '9990', name: 'Suspense', type: 'liability' },
];
