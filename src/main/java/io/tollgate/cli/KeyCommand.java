package io.tollgate.cli;

import io.tollgate.config.Settings;
import io.tollgate.merchant.ApiKeyRegistry;
import io.tollgate.merchant.KeyMode;
import io.tollgate.merchant.KeyScope;
import io.tollgate.merchant.PaymentMethodRules;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * {@code tollgate key create|list|rotate|revoke}: a merchant's API keys. A new key is printed once;
 * a rotated key keeps working for the overlap (default 24 h); a revoked key is refused at once by
 * every running instance (they hear of it by a database notification, not a cache expiry).
 */
final class KeyCommand {
  private KeyCommand() {}

  static int run(List<String> args, Settings settings, PrintStream out, PrintStream err) {
    String sub = args.get(0);
    String command = "tollgate key " + sub;
    List<String> rest = args.subList(1, args.size());
    try {
      PaymentMethodRules rules = AdminSession.rules(settings);
      AdminSession.Work work = switch (sub) {
        case "create" -> create(command, rest, out);
        case "list" -> list(command, rest, out);
        case "rotate" -> rotate(command, rest, out);
        default -> revoke(command, rest, out);
      };
      return AdminSession.run(settings, rules, command, err, work);
    } catch (AdminSession.Failure f) {
      err.println(command + ": " + f.getMessage());
      return f.exitCode;
    }
  }

  private static AdminSession.Work create(String command, List<String> args, PrintStream out) throws AdminSession.Failure {
    Options o = Options.parse(command, args, Set.of("--merchant", "--mode", "--scope"), Set.of());
    UUID merchant = CliIds.uuid("--merchant", o.required("--merchant"));
    KeyMode mode = AdminSession.checked(KeyMode::fromCode, o.required("--mode"));
    KeyScope scope = AdminSession.checked(KeyScope::fromCode, o.get("--scope"));
    return session -> printNew(AdminSession.await(session.keys.create(merchant, mode, scope)), out);
  }

  private static AdminSession.Work list(String command, List<String> args, PrintStream out) throws AdminSession.Failure {
    UUID merchant = CliIds.uuid("--merchant", Options.parse(command, args, Set.of("--merchant"), Set.of()).required("--merchant"));
    return session -> {
      JsonArray keys = AdminSession.await(session.keys.list(merchant));
      for (int i = 0; i < keys.size(); i++) {
        JsonObject k = keys.getJsonObject(i);
        out.println(k.getString("id") + "  " + k.getString("prefix") + "...  " + k.getString("mode")
            + ("facilitator".equals(k.getString("scope")) ? " facilitator" : "") + "  " + k.getString("status")
            + "  created " + k.getString("createdAt") + "  last used " + or(k.getString("lastUsedAt"), "never")
            + (k.getString("expiresAt") != null ? "  expires " + k.getString("expiresAt") : ""));
      }
    };
  }

  private static AdminSession.Work rotate(String command, List<String> args, PrintStream out) throws AdminSession.Failure {
    Options o = Options.parse(command, args, Set.of("--merchant", "--key", "--overlap"), Set.of());
    UUID merchant = CliIds.uuid("--merchant", o.required("--merchant"));
    UUID key = CliIds.uuid("--key", o.required("--key"));
    Duration overlap = o.get("--overlap") == null ? Duration.ofHours(24) : duration(o.get("--overlap"));
    return session -> {
      printNew(AdminSession.await(session.keys.rotate(merchant, key, overlap)), out);
      out.println("the old key " + key + " keeps working for " + overlap.toSeconds() + " s");
    };
  }

  private static AdminSession.Work revoke(String command, List<String> args, PrintStream out) throws AdminSession.Failure {
    Options o = Options.parse(command, args, Set.of("--merchant", "--key"), Set.of());
    UUID merchant = CliIds.uuid("--merchant", o.required("--merchant"));
    UUID key = CliIds.uuid("--key", o.required("--key"));
    return session -> {
      JsonObject revoked = AdminSession.await(session.keys.revoke(merchant, key));
      out.println("revoked " + revoked.getString("id") + " (" + revoked.getString("prefix") + "...) at " + revoked.getString("revokedAt"));
    };
  }

  /** {@code 90s}, {@code 15m}, {@code 24h}, {@code 7d} or plain seconds. */
  static Duration duration(String text) throws AdminSession.Failure {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d{1,9})([smhd]?)").matcher(text);
    if (!m.matches()) throw new AdminSession.Failure(2, "--overlap must be a duration like 90s, 15m, 24h or 7d, not '" + text + "'");
    long n = Long.parseLong(m.group(1));
    Duration d = switch (m.group(2)) {
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      case "d" -> Duration.ofDays(n);
      default -> Duration.ofSeconds(n);
    };
    if (d.compareTo(ApiKeyRegistry.MAX_OVERLAP) > 0) throw new AdminSession.Failure(2, "--overlap must be at most 30d");
    return d;
  }

  private static void printNew(ApiKeyRegistry.CreatedKey created, PrintStream out) {
    out.println("key id   " + created.metadata().getString("id"));
    out.println("api key  " + created.key() + "   (" + created.metadata().getString("mode") + "; shown once: store it now)");
  }

  private static String or(String value, String otherwise) {
    return value == null ? otherwise : value;
  }
}
