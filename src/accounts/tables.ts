/** Kysely table types of the accounts domain (merged into Database in src/db/schema.ts). */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface AccountsTables {}
