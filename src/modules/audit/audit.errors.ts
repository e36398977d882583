import { defineErrors } from '../../core/errors.ts';

export const auditError = defineErrors({
  /** An export period that ends before it starts. */
  'audit.invalid_range': 'invalid',
});

export type AuditErrorCode = Parameters<typeof auditError>[0];
