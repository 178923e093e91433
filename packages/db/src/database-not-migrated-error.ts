/** The database lacks what the migrations create (its instance id): `vpa migrate` has not run on it. */
export class DatabaseNotMigratedError extends Error {
  readonly code = "DATABASE_NOT_MIGRATED";
  constructor(missing: string) {
    super(`the database has no ${missing}: run vpa migrate`);
    this.name = "DatabaseNotMigratedError";
  }
}
