package io.tollgate.testing;

import io.tollgate.db.DatabaseSettings;
import io.tollgate.db.Migrations;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.testcontainers.containers.PostgreSQLContainer;

/**
 * A real PostgreSQL server for integration tests, found in this order: the URL in
 * {@code TOLLGATE_TEST_DATABASE_URL}; a server on 127.0.0.1:5432 (user postgres, trust auth);
 * a Testcontainers container (needs Docker). Each test class gets its own fresh, migrated
 * database, dropped on {@link TestDatabase#close()}.
 */
public final class TestPostgres {
  private static DatabaseSettings server;

  private TestPostgres() {}

  public static synchronized TestDatabase newDatabase() {
    return newDatabase(null);
  }

  /**
   * A database of its own migrated up to schema {@code version} (an upgrade test migrates the rest
   * with {@link Migrations#migrate}); null: the current schema.
   */
  public static synchronized TestDatabase newDatabase(String version) {
    DatabaseSettings admin = server();
    String name = "tollgate_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    execute(admin, "CREATE DATABASE " + name);
    DatabaseSettings db = new DatabaseSettings(admin.host(), admin.port(), name, admin.user(), admin.password());
    if (version == null) {
      Migrations.migrate(db);
    } else {
      org.flywaydb.core.Flyway.configure().dataSource(db.jdbcUrl(), db.user(), db.password())
          .locations("classpath:db/migration").target(version).load().migrate();
    }
    return new TestDatabase(db, () -> execute(admin, "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)"));
  }

  private static DatabaseSettings server() {
    if (server != null) return server;
    String url = System.getenv("TOLLGATE_TEST_DATABASE_URL");
    if (url != null && !url.isBlank()) {
      server = DatabaseSettings.fromUrl(url);
    } else if (listening("127.0.0.1", 5432)) {
      server = new DatabaseSettings("127.0.0.1", 5432, "postgres", "postgres", "");
    } else {
      PostgreSQLContainer<?> container = new PostgreSQLContainer<>("postgres:16-alpine");
      container.start();
      Runtime.getRuntime().addShutdownHook(new Thread(container::stop));
      server = new DatabaseSettings(container.getHost(), container.getFirstMappedPort(), container.getDatabaseName(),
          container.getUsername(), container.getPassword());
    }
    return server;
  }

  static boolean listening(String host, int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), 300);
      return true;
    } catch (java.io.IOException e) {
      return false;
    }
  }

  private static void execute(DatabaseSettings db, String sql) {
    try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
        Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(sql, e);
    }
  }

  /** A migrated database of its own for one test class. */
  public record TestDatabase(DatabaseSettings settings, Runnable dropper) implements AutoCloseable {
    @Override
    public void close() {
      dropper.run();
    }
  }
}
