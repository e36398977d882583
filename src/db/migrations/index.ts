import { foundation } from './2026-11-30-01-foundation.ts';

/** Every migration, in order. Names are date-prefixed and never change once released. */
export const MIGRATIONS: readonly { name: string; sql: string }[] = [
  { name: '2026-11-30-01-foundation', sql: foundation },
];
