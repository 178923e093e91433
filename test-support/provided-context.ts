/**
 * What global-setup.ts hands to the test files through vitest's `provide`/`inject` (the workers
 * are other processes: a module variable would not reach them).
 */
declare module "vitest" {
  interface ProvidedContext {
    /** The migrated template (template-database.ts) test databases are cloned from; null: migrate each. */
    testDatabaseTemplate: string | null;
  }
}

export const DATABASE_TEMPLATE_KEY = "testDatabaseTemplate" as const;
