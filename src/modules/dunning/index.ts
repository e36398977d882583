export {
  CHANNELS,
  LETTER_KINDS,
  RECOMMENDATIONS,
  RISK_CLASSES,
  type StepInput,
  type StepView,
  type StrategyInput,
  type StrategyView,
  type TemplateInput,
  type TemplateView,
  ZStrategyInput,
  ZTemplateInput,
} from './contract.ts';
export { type DeliverOutboxOptions, type DeliveryResult, deliverOutbox } from './deliver-outbox.ts';
export { type DocumentMeta, findDocuments, findOutbox, getDocument } from './documents.ts';
export { type DunningErrorCode, dunningError } from './dunning.errors.ts';
export { MERGE_FIELDS } from './logic/render-template.ts';
export { createSmtpMailer, type Mailer, type OutgoingEmail } from './mailer.ts';
export { type DunningMessageView, findDunningMessages } from './messages.ts';
export type { OutboxEmail } from './outbox.repo.ts';
export {
  CONSUMER_MIN_DAYS_BETWEEN_NOTICES,
  type DunningRunOptions,
  type DunningRunResult,
  runDunning,
} from './run-dunning.ts';
export {
  findStatementSchedules,
  runScheduledStatements,
  type SentStatement,
  type StatementScheduleView,
  scheduleStatements,
  sendStatement,
} from './statements.ts';
export {
  ensureDefaultStrategy,
  findStrategies,
  findTemplates,
  getStrategy,
  saveStrategy,
  saveTemplate,
} from './strategies.ts';
