package io.tollgate.cli;

import io.tollgate.api.ApiException;
import io.tollgate.api.Unavailability;
import io.tollgate.chain.ChainRegistry;
import io.tollgate.config.Settings;
import io.tollgate.db.DatabaseSettings;
import io.tollgate.db.Migrations;
import io.tollgate.merchant.ApiKeyRegistry;
import io.tollgate.merchant.MerchantDirectory;
import io.tollgate.merchant.PaymentMethodRules;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.io.PrintStream;
import java.time.Clock;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * One operator command against {@code database.url}: the same {@link MerchantDirectory} and {@link
 * ApiKeyRegistry} the operator API uses (so a change made here is announced to running instances the
 * same way), on a small pool of its own, awaited on the command's own thread (never an event loop).
 * Every failure is one line on {@code err}: a refused request exit code 2, anything else 1.
 */
final class AdminSession {
  /** What a command does with the session; its output goes to {@code out}. */
  interface Work {
    void run(AdminSession session) throws Failure;
  }

  /** A failure already worded for the operator. */
  static final class Failure extends Exception {
    final int exitCode;

    Failure(int exitCode, String message) {
      super(message, null, false, false);
      this.exitCode = exitCode;
    }
  }

  final MerchantDirectory merchants;
  final ApiKeyRegistry keys;
  final PaymentMethodRules rules;

  private AdminSession(MerchantDirectory merchants, ApiKeyRegistry keys, PaymentMethodRules rules) {
    this.merchants = merchants;
    this.keys = keys;
    this.rules = rules;
  }

  /** The deployment's chains and tokens, which payment methods are checked against. */
  static PaymentMethodRules rules(Settings settings) throws Failure {
    try {
      return new PaymentMethodRules(ChainRegistry.fromSettings(settings));
    } catch (RuntimeException e) {
      throw new Failure(2, "invalid chain settings: " + e.getMessage());
    }
  }

  /** Runs {@code work}; {@code command} prefixes every error line (e.g. {@code tollgate key revoke}). */
  static int run(Settings settings, PaymentMethodRules rules, String command, PrintStream err, Work work) {
    String url = settings.optional("database.url");
    if (url == null) {
      err.println(command + ": database.url (or TOLLGATE_DATABASE_URL) is not set");
      return 2;
    }
    DatabaseSettings db;
    try {
      db = DatabaseSettings.fromUrl(url);
    } catch (RuntimeException e) {
      err.println(command + ": database.url is not a postgresql:// URL");
      return 2;
    }
    Vertx vertx = Vertx.vertx();
    Pool pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(2)).connectingTo(db.connectOptions()).using(vertx).build();
    try {
      Migrations.migrate(db);
      work.run(new AdminSession(new MerchantDirectory(pool, Clock.systemUTC(), rules), new ApiKeyRegistry(pool, Clock.systemUTC()), rules));
      return 0;
    } catch (Failure f) {
      err.println(command + ": " + f.getMessage());
      return f.exitCode;
    } catch (ApiException e) {
      err.println(command + ": " + words(e));
      return e.error().httpStatus() < 500 ? 2 : 1;
    } catch (RuntimeException e) { // the database unreachable, a migration failing: one line, no stack trace
      err.println(command + ": failed: " + e.getMessage());
      return 1;
    } finally {
      pool.close();
      vertx.close();
    }
  }

  /** The result of {@code future}, or a {@link Failure} worded for the operator. */
  static <T> T await(Future<T> future) throws Failure {
    try {
      return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof ApiException api) throw new Failure(api.error().httpStatus() < 500 ? 2 : 1, words(api));
      ApiException down = Unavailability.of(cause);
      throw new Failure(1, down != null ? "the database is unavailable: " + cause.getMessage() : "failed: " + cause.getMessage());
    } catch (TimeoutException e) {
      throw new Failure(1, "the database did not answer within 30 s");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Failure(1, "interrupted");
    }
  }

  /** Applies {@code parse}, turning a refusal into a {@link Failure} (exit code 2). */
  static <T> T checked(Function<String, T> parse, String value) throws Failure {
    try {
      return parse.apply(value);
    } catch (ApiException e) {
      throw new Failure(2, words(e));
    }
  }

  private static String words(ApiException e) {
    return e.detail() != null ? e.detail() : e.error().message();
  }
}
