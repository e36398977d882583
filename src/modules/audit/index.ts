export type { AuditErrorCode } from './audit.errors.ts';
export { type AuditContext, DeferredAudit, withAuditContext } from './audit-context.ts';
export { type AuditExportRow, type ExportAuditOptions, exportAudit } from './export-audit.ts';
export {
  canonicalAuditRow,
  canonicalJson,
  GENESIS_HASH,
  hashAuditRow,
  LEGACY_HASH,
} from './logic/hash-audit-row.ts';
export { type AuditRecord, flushDeferredAudit, recordAudit } from './record-audit.ts';
export {
  type AuditChainFailure,
  type AuditChainReport,
  type AuditLaneHead,
  auditAnchor,
  MAX_LISTED_FAILURES,
  type VerifyAuditChainOptions,
  verifyAuditChain,
} from './verify-audit-chain.ts';
