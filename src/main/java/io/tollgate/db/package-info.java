/**
 * PostgreSQL: connection settings, schema migrations (Flyway, run once at start-up), leadership by
 * advisory lock, and transactions whose first statements travel with their {@code BEGIN}.
 */
package io.tollgate.db;
