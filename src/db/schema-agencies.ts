/** Row types of the agencies and experiments migration (07), for Kysely; joined into `DB` in schema.ts. */
export type AgenciesTables = Record<never, never>;
