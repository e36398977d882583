import { z } from 'zod';

/**
 * What callers (the API, the command line, a strategy file) give the dunning module. Shapes only;
 * the rules (a letter needs a template and a kind, recipients name known roles, templates name only
 * merge fields) are checked by the service, which names the field at fault.
 */
export const CHANNELS = ['email', 'letter', 'call_task'] as const;
export const LETTER_KINDS = ['reminder_letter', 'demand_letter', 'final_notice'] as const;
export const RECOMMENDATIONS = ['credit_hold', 'agency_placement'] as const;
export const RISK_CLASSES = ['low', 'medium', 'high'] as const;
export const CUSTOMER_TYPES = ['business', 'consumer'] as const;

/** `contact:accounts_payable`, `party:notice`, … */
export const ZRecipientRole = z.string().regex(/^(contact|party):[a-z][a-z0-9_]{0,39}$/, {
  message: 'a recipient role is contact:ROLE or party:ROLE (payer, notice, statement, dispute_contact)',
});

export const ZStepInput = z.object({
  dayOffset: z.number().int().min(-365).max(3650),
  channel: z.enum(CHANNELS),
  template: z
    .string()
    .regex(/^[a-z0-9_]{1,64}$/)
    .optional(),
  letterKind: z.enum(LETTER_KINDS).optional(),
  recommendation: z.enum(RECOMMENDATIONS).optional(),
  to: z.array(ZRecipientRole).max(10).optional(),
  cc: z.array(ZRecipientRole).max(10).optional(),
});

export const ZStrategyInput = z.object({
  name: z.string().min(1).max(100),
  priority: z.number().int().min(0).max(1_000_000).optional(),
  segments: z.array(z.string().min(1).max(100)).max(100).nullable().optional(),
  customerTypes: z.array(z.enum(CUSTOMER_TYPES)).max(2).nullable().optional(),
  riskClasses: z.array(z.enum(RISK_CLASSES)).max(3).nullable().optional(),
  minDaysBetweenNotices: z.number().int().min(0).max(365).optional(),
  active: z.boolean().optional(),
  isDefault: z.boolean().optional(),
  steps: z.array(ZStepInput).min(1).max(30),
});

export type StepInput = z.infer<typeof ZStepInput>;
export type StrategyInput = z.infer<typeof ZStrategyInput>;

export const ZTemplateInput = z.object({
  subject: z.string().min(1).max(300),
  body: z.string().min(1).max(20_000),
});
export type TemplateInput = z.infer<typeof ZTemplateInput>;

export interface StepView {
  readonly id: string;
  readonly dayOffset: number;
  readonly channel: (typeof CHANNELS)[number];
  readonly template: string | null;
  readonly letterKind: (typeof LETTER_KINDS)[number] | null;
  readonly recommendation: (typeof RECOMMENDATIONS)[number] | null;
  readonly to: readonly string[];
  readonly cc: readonly string[];
}

export interface StrategyView {
  readonly id: string;
  readonly name: string;
  readonly priority: number;
  readonly segments: readonly string[] | null;
  readonly customerTypes: readonly string[] | null;
  readonly riskClasses: readonly string[] | null;
  readonly minDaysBetweenNotices: number;
  readonly active: boolean;
  readonly isDefault: boolean;
  readonly steps: readonly StepView[];
}

export interface TemplateView {
  readonly code: string;
  readonly language: string;
  readonly subject: string;
  readonly body: string;
}
