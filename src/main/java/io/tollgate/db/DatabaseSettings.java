package io.tollgate.db;

import io.vertx.pgclient.PgConnectOptions;

/** Where the PostgreSQL database is. The password is never logged ({@link #toString} hides it). */
public record DatabaseSettings(String host, int port, String database, String user, String password) {

  /** Parses {@code postgresql://user:password@host:port/database} (password and port optional). */
  public static DatabaseSettings fromUrl(String url) {
    PgConnectOptions o = PgConnectOptions.fromUri(url.replaceFirst("^jdbc:", ""));
    return new DatabaseSettings(o.getHost(), o.getPort(), o.getDatabase(), o.getUser(), o.getPassword());
  }

  public String jdbcUrl() {
    return "jdbc:postgresql://" + host + ":" + port + "/" + database;
  }

  public PgConnectOptions connectOptions() {
    return new PgConnectOptions()
        .setHost(host).setPort(port).setDatabase(database).setUser(user).setPassword(password)
        .setCachePreparedStatements(true)
        .setPipeliningLimit(256);
  }

  @Override
  public String toString() {
    return "postgresql://" + user + "@" + host + ":" + port + "/" + database;
  }
}
