/** PostgreSQL: connection settings and schema migrations (Flyway, run once at start-up). */
package io.tollgate.db;
