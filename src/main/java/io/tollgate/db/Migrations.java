package io.tollgate.db;

import org.flywaydb.core.Flyway;

/**
 * Brings a database to the current schema with Flyway (classpath:db/migration). Blocking JDBC:
 * run it at start-up, before any verticle is deployed. Safe with several instances starting at
 * once: Flyway takes a lock in the database.
 */
public final class Migrations {
  private Migrations() {}

  public static void migrate(DatabaseSettings db) {
    Flyway.configure()
        .dataSource(db.jdbcUrl(), db.user(), db.password())
        .locations("classpath:db/migration")
        .load()
        .migrate();
  }
}
