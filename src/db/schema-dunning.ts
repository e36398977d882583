/** Row types of the dunning migration (06), for Kysely; joined into `DB` in schema.ts. */
export type DunningTables = Record<never, never>;
