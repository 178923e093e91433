import { migrateToLatest } from "@vpa/db";
import type { AppContext } from "../app-context.ts";

export async function runMigrate(app: AppContext): Promise<number> {
  const { applied } = await migrateToLatest(app.database.db);
  console.log(applied.length === 0 ? "database schema is up to date" : `applied: ${applied.join(", ")}`);
  return 0;
}
