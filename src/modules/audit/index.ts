export { type AuditRecord, recordAudit } from './audit.repo.ts';
