import { foundation } from './2026-11-30-01-foundation.ts';
import { bankFiles } from './2026-11-30-02-bank-files.ts';
import { cashApplication } from './2026-11-30-03-cash-application.ts';
import { access } from './2026-11-30-04-access.ts';
import { collections } from './2026-11-30-05-collections.ts';
import { dunning } from './2026-11-30-06-dunning.ts';
import { agencies } from './2026-11-30-07-agencies.ts';
import { listIndexes } from './2026-11-30-09-list-indexes.ts';
import { auditLanes } from './2026-11-30-10-audit-lanes.ts';
import { listFilterIndexes } from './2026-11-30-13-list-filter-indexes.ts';
import { documentsInline } from './2026-11-30-14-documents-inline.ts';
import { suggestionLookups } from './2026-12-01-15-suggestion-lookups.ts';
import { cheaperItemKeys } from './2026-12-01-16-cheaper-item-keys.ts';

/** Every migration, in order. Names are date-prefixed and never change once released. */
export const MIGRATIONS: readonly { name: string; sql: string }[] = [
  { name: '2026-11-30-01-foundation', sql: foundation },
  { name: '2026-11-30-02-bank-files', sql: bankFiles },
  { name: '2026-11-30-03-cash-application', sql: cashApplication },
  { name: '2026-11-30-04-access', sql: access },
  { name: '2026-11-30-05-collections', sql: collections },
  { name: '2026-11-30-06-dunning', sql: dunning },
  { name: '2026-11-30-07-agencies', sql: agencies },
  { name: '2026-11-30-09-list-indexes', sql: listIndexes },
  { name: '2026-11-30-10-audit-lanes', sql: auditLanes },
  { name: '2026-11-30-13-list-filter-indexes', sql: listFilterIndexes },
  { name: '2026-11-30-14-documents-inline', sql: documentsInline },
  { name: '2026-12-01-15-suggestion-lookups', sql: suggestionLookups },
  { name: '2026-12-01-16-cheaper-item-keys', sql: cheaperItemKeys },
];
