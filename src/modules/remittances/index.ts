// Remittance advices: what payers say a payment covers, kept as stated and linked to the receipt it
// explains, whether the advice comes before, with or after the money. The module's only public surface.

export {
  type ImportRemittanceOptions,
  type ImportRemittanceResult,
  importRemittanceFile,
  REMITTANCE_SPEC,
} from './import-remittance.ts';
export {
  type LinkAdvicesArgs,
  type LinkAdvicesResult,
  linkAdvices,
  windowFromSettings,
} from './link-advices.ts';
export {
  type AdviceFacts,
  type AdviceLinkScore,
  type ChosenLink,
  chooseAdviceLinks,
  DEFAULT_LINK_WINDOW,
  type Evidence,
  type LinkDecision,
  type LinkWindow,
  nameTokens,
  normalizeReference,
  payerSimilarity,
  type ReceiptFacts,
  type ScoredPair,
  scoreAdviceLink,
} from './logic/score-advice-link.ts';
export {
  type AdviceInput,
  deductionOf,
  type RecordAdvicesArgs,
  type RecordAdvicesResult,
  type RecordedAdvice,
  type RemittanceSourceFormat,
  recordAdvices,
} from './record-advices.ts';
export { type RemittancesErrorCode, remittancesError } from './remittances.errors.ts';
