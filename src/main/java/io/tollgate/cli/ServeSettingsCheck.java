package io.tollgate.cli;

import io.tollgate.config.Settings;
import io.tollgate.db.DatabaseSettings;
import io.tollgate.webhook.SecretBox;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * What {@code tollgate serve} requires before anything starts, checked without I/O: a database URL,
 * the secrets every instance must share, at least one watchable chain, and well-formed inbound
 * webhook variants. Development mode generates or embeds all of these; a deployment must say them,
 * because a generated stand-in (a random client-secret key per process, say) works on the first
 * instance and breaks on the second or after a restart. Every problem is listed, not the first.
 * Whether an inbound variant's merchant exists needs the database: Tollgate checks it at start.
 */
final class ServeSettingsCheck {
  static final int MIN_CLIENT_SECRET_KEY_BYTES = 32;

  private ServeSettingsCheck() {}

  /** One line per missing or invalid setting, in configuration-file order; empty when serve may start. */
  static List<String> problems(Settings settings) {
    List<String> problems = new ArrayList<>();
    database(settings, problems);
    clientSecretKey(settings, problems);
    webhookKeys(settings, problems);
    publicUrl(settings, problems);
    ChainSettingsCheck.problems(settings, problems);
    InboundSettingsCheck.problems(settings, problems);
    io.tollgate.relay.RelayerSettings.problems(settings, problems);
    x402(settings, problems);
    return problems;
  }

  /** The facilitator's authentication mode (its chains' problems are reported above, so a broken chain list is skipped here). */
  private static void x402(Settings settings, List<String> problems) {
    io.tollgate.chain.ChainRegistry chains;
    try {
      chains = io.tollgate.chain.ChainRegistry.fromSettings(settings);
    } catch (RuntimeException e) {
      return;
    }
    io.tollgate.x402.X402Settings.problems(settings, chains::isTestnet,
        chains.all().stream().map(io.tollgate.chain.ChainConfig::chainId).toList(), problems);
  }

  /** The environment variable that sets {@code key} (how secrets and URLs reach a deployment). */
  static String variable(String key) {
    return "TOLLGATE_" + key.replace('.', '_').replace('-', '_').toUpperCase(Locale.ROOT);
  }

  static String notSet(String key, String what) {
    return key + " is not set (" + variable(key) + "): " + what;
  }

  private static void database(Settings settings, List<String> problems) {
    String url = settings.optional("database.url");
    if (url == null) {
      problems.add(notSet("database.url", "postgresql://user:password@host:5432/database"));
      return;
    }
    // The URL is never echoed: it usually holds the password.
    if (!url.matches("^(jdbc:)?postgres(ql)?://.+")) {
      problems.add("database.url is not a postgresql://user:password@host:5432/database URL");
      return;
    }
    try {
      DatabaseSettings.fromUrl(url);
    } catch (RuntimeException e) {
      problems.add("database.url cannot be parsed as postgresql://user:password@host:5432/database");
    }
  }

  private static void clientSecretKey(Settings settings, List<String> problems) {
    String key = "secrets.client-secret-key";
    String value = settings.optional(key);
    if (value == null) {
      problems.add(notSet(key, "base64 of at least " + MIN_CLIENT_SECRET_KEY_BYTES
          + " random bytes, the same on every instance (make one: openssl rand -base64 32)"));
      return;
    }
    try {
      int bytes = Base64.getDecoder().decode(value).length;
      if (bytes < MIN_CLIENT_SECRET_KEY_BYTES) {
        problems.add(key + " decodes to " + bytes + " bytes; at least " + MIN_CLIENT_SECRET_KEY_BYTES + " are needed");
      }
    } catch (IllegalArgumentException e) {
      problems.add(key + " is not valid base64");
    }
  }

  /** The payment links' base: a buyer's browser opens it, so an origin (and optional path) it can reach. */
  private static void publicUrl(Settings settings, List<String> problems) {
    String url = settings.optional("http.public-url");
    if (url == null || url.isBlank()) return;
    try {
      java.net.URI uri = new java.net.URI(url);
      boolean web = "https".equals(uri.getScheme()) || "http".equals(uri.getScheme());
      if (!web || uri.getHost() == null || uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
        problems.add("http.public-url '" + url + "' is not a base URL like https://pay.example.com");
      }
    } catch (java.net.URISyntaxException e) {
      problems.add("http.public-url '" + url + "' is not a base URL like https://pay.example.com");
    }
  }

  private static void webhookKeys(Settings settings, List<String> problems) {
    String key = "secrets.webhook-keys";
    String keyring = settings.optional(key);
    if (keyring == null) {
      problems.add(notSet(key, "the keyring sealing webhook signing secrets, <id>:<base64 of 32 random bytes>"
          + " (make one: echo 1:$(openssl rand -base64 32)), the same on every instance"));
      return;
    }
    int active;
    try {
      active = settings.integer("secrets.webhook-active-key", 1);
    } catch (IllegalArgumentException e) {
      problems.add(e.getMessage());
      return;
    }
    try {
      SecretBox.fromConfig(keyring, active); // its messages name key ids, never key material
    } catch (IllegalArgumentException e) {
      problems.add(key + ": " + e.getMessage());
    }
  }
}
