import type { StrategyInput } from '../contract.ts';

/**
 * The strategy every tenant starts with (seeded on first use; edit or replace it like any other):
 * a courtesy email five days before the due date, reminders on day 1 and day 15, a call on day 30,
 * a demand letter on day 45, a final notice with a credit-hold recommendation on day 60 and an
 * agency-placement recommendation on day 90. Notices go to the customer's accounts-payable contact
 * and a third party that pays for it (a TPA), with the broker (notice role) in copy.
 */
export const DEFAULT_STRATEGY: StrategyInput = {
  name: 'Standard',
  priority: 1000,
  isDefault: true,
  minDaysBetweenNotices: 0,
  steps: [
    { dayOffset: -5, channel: 'email', template: 'courtesy' },
    { dayOffset: 1, channel: 'email', template: 'reminder_1' },
    { dayOffset: 15, channel: 'email', template: 'reminder_2' },
    { dayOffset: 30, channel: 'call_task' },
    { dayOffset: 45, channel: 'letter', template: 'demand', letterKind: 'demand_letter' },
    {
      dayOffset: 60,
      channel: 'letter',
      template: 'final_notice',
      letterKind: 'final_notice',
      recommendation: 'credit_hold',
    },
    { dayOffset: 90, channel: 'call_task', recommendation: 'agency_placement' },
  ],
};

export const DEFAULT_TO_ROLES = ['contact:accounts_payable', 'party:payer'] as const;
export const DEFAULT_CC_ROLES = ['party:notice'] as const;
/** Statements go to the accounts-payable contact and to parties that receive statements. */
export const STATEMENT_TO_ROLES = ['contact:accounts_payable', 'party:statement'] as const;

export interface TemplateText {
  readonly code: string;
  readonly language: string;
  readonly subject: string;
  readonly body: string;
}

export const DEFAULT_TEMPLATES: readonly TemplateText[] = [
  {
    code: 'courtesy',
    language: 'en',
    subject: 'Upcoming payment due {{due_date}} – account {{customer.account_number}}',
    body: `Dear {{contact.name}},

This is a courtesy reminder that the following items on your account with {{company.name}} fall due on or after {{due_date}}:

{{items}}

Total due on your account: {{total_due}}. If you have already sent payment, thank you, and please disregard this message.`,
  },
  {
    code: 'courtesy',
    language: 'es',
    subject: 'Próximo vencimiento el {{due_date}} – cuenta {{customer.account_number}}',
    body: `Estimado/a {{contact.name}}:

Le recordamos que las siguientes partidas de su cuenta con {{company.name}} vencen a partir del {{due_date}}:

{{items}}

Total adeudado en su cuenta: {{total_due}}. Si ya ha realizado el pago, gracias; por favor ignore este mensaje.`,
  },
  {
    code: 'reminder_1',
    language: 'en',
    subject: 'Payment reminder – account {{customer.account_number}}',
    body: `Dear {{contact.name}},

Our records show that the following items were due on {{due_date}} and remain unpaid:

{{items}}

Total due: {{total_due}}, of which {{overdue_total}} is past due. Please arrange payment at your earliest convenience, or let us know if anything is in question.`,
  },
  {
    code: 'reminder_1',
    language: 'es',
    subject: 'Recordatorio de pago – cuenta {{customer.account_number}}',
    body: `Estimado/a {{contact.name}}:

Según nuestros registros, las siguientes partidas vencieron el {{due_date}} y siguen pendientes de pago:

{{items}}

Total adeudado: {{total_due}}, de los cuales {{overdue_total}} están vencidos. Le rogamos que efectúe el pago lo antes posible o nos indique si hay alguna discrepancia.`,
  },
  {
    code: 'reminder_2',
    language: 'en',
    subject: 'Second reminder: {{overdue_total}} past due – account {{customer.account_number}}',
    body: `Dear {{contact.name}},

We have not yet received payment for the items below, now {{days_past_due}} days past due:

{{items}}

Total due: {{total_due}}. Please pay within seven days or contact us to agree a date.`,
  },
  {
    code: 'reminder_2',
    language: 'es',
    subject: 'Segundo recordatorio: {{overdue_total}} vencidos – cuenta {{customer.account_number}}',
    body: `Estimado/a {{contact.name}}:

Aún no hemos recibido el pago de las partidas siguientes, vencidas desde hace {{days_past_due}} días:

{{items}}

Total adeudado: {{total_due}}. Le rogamos que pague en un plazo de siete días o se ponga en contacto con nosotros para acordar una fecha.`,
  },
  {
    code: 'demand',
    language: 'en',
    subject: 'Demand for payment',
    body: `Dear {{contact.name}},

Despite our reminders, the items below remain unpaid, the oldest {{days_past_due}} days past due:

{{items}}

We ask you to pay the total due of {{total_due}} within ten days of this letter. If you dispute any item, please tell us in writing within that time.`,
  },
  {
    code: 'demand',
    language: 'es',
    subject: 'Requerimiento de pago',
    body: `Estimado/a {{contact.name}}:

A pesar de nuestros recordatorios, las partidas siguientes siguen impagadas; la más antigua vencida desde hace {{days_past_due}} días:

{{items}}

Le requerimos el pago del total adeudado de {{total_due}} en un plazo de diez días desde la fecha de esta carta. Si discrepa de alguna partida, comuníquenoslo por escrito en ese plazo.`,
  },
  {
    code: 'final_notice',
    language: 'en',
    subject: 'Final notice before further action',
    body: `Dear {{contact.name}},

This is our final notice. The items below are seriously overdue:

{{items}}

Unless the total due of {{total_due}} is paid, or a payment arrangement agreed, within seven days, your account may be placed on credit hold and referred for collection.`,
  },
  {
    code: 'final_notice',
    language: 'es',
    subject: 'Último aviso antes de otras acciones',
    body: `Estimado/a {{contact.name}}:

Este es nuestro último aviso. Las partidas siguientes acumulan un retraso importante:

{{items}}

Si en siete días no se paga el total adeudado de {{total_due}} ni se acuerda un plan de pagos, su cuenta podrá quedar bloqueada para nuevos créditos y remitirse a cobro.`,
  },
  {
    code: 'statement',
    language: 'en',
    subject: 'Statement of account {{customer.account_number}} as of {{as_of}}',
    body: `Dear {{contact.name}},

Please find attached your statement of account with {{company.name}} as of {{as_of}}. Total due: {{total_due}}.`,
  },
  {
    code: 'statement',
    language: 'es',
    subject: 'Estado de cuenta {{customer.account_number}} al {{as_of}}',
    body: `Estimado/a {{contact.name}}:

Adjuntamos su estado de cuenta con {{company.name}} al {{as_of}}. Total adeudado: {{total_due}}.`,
  },
];
