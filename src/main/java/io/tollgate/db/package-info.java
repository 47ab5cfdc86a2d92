/**
 * PostgreSQL: connection settings, schema migrations (Flyway, run once at start-up), leadership by
 * advisory lock, and transactions whose first statements travel with their {@code BEGIN}.
 *
 * <p>Public face (4 of 4 types, each used from another package): {@link
 * io.tollgate.db.DatabaseSettings}, {@link io.tollgate.db.LeaderOnlyVerticle}, {@link
 * io.tollgate.db.Migrations}, {@link io.tollgate.db.Transactions}.
 */
package io.tollgate.db;
