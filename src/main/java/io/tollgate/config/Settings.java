package io.tollgate.config;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Flat key/value settings: a properties file (conf/tollgate.properties) overlaid by environment
 * variables. Every key {@code a.b-c} can be overridden by {@code TOLLGATE_A_B_C}, which is how
 * secrets and URLs reach a deployment without touching the file.
 */
public final class Settings {
  private final Map<String, String> values;

  private Settings(Map<String, String> values) {
    this.values = Map.copyOf(values);
  }

  public static Settings load(Path file, Map<String, String> environment) {
    Map<String, String> values = new HashMap<>();
    if (file != null && Files.exists(file)) {
      Properties properties = new Properties();
      try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
        properties.load(reader);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + file, e);
      }
      properties.forEach((k, v) -> values.put(k.toString(), v.toString().trim()));
    }
    return new Settings(values).withEnvironment(environment);
  }

  public static Settings of(Map<String, String> values) {
    return new Settings(values);
  }

  /** A copy with {@code overrides} applied on top (used by tests and development mode). */
  public Settings with(Map<String, String> overrides) {
    Map<String, String> merged = new HashMap<>(values);
    merged.putAll(overrides);
    return new Settings(merged);
  }

  private Settings withEnvironment(Map<String, String> environment) {
    Map<String, String> merged = new HashMap<>(values);
    environment.forEach((name, value) -> {
      if (name.startsWith("TOLLGATE_")) merged.put(keyOf(name), value.trim());
    });
    return new Settings(merged);
  }

  /**
   * TOLLGATE_CHAIN_31337_RPC_URLS → chain.31337.rpc-urls when the file has that key; otherwise the
   * value is kept under the variable's own form ({@code chain_31337_rpc_urls}), which
   * {@link #string} consults for any key whose dots and dashes become those underscores, whatever
   * its case: a key absent from the file (chain.31337.token.USDC.address) can still be set from the
   * environment. (Turning the underscores back into dots could not restore dashes or case.)
   */
  private String keyOf(String envName) {
    String normalized = envName.substring("TOLLGATE_".length()).toLowerCase(java.util.Locale.ROOT);
    for (String key : values.keySet()) {
      if (environmentForm(key).equals(normalized)) return key;
    }
    return normalized;
  }

  private static String environmentForm(String key) {
    return key.replace('.', '_').replace('-', '_').toLowerCase(java.util.Locale.ROOT);
  }

  public String string(String key, String fallback) {
    String v = values.get(key);
    if (v == null) v = values.get(environmentForm(key));
    return v == null || v.isEmpty() ? fallback : v;
  }

  /** A value that may be absent: empty means "not set". */
  public String optional(String key) {
    return string(key, null);
  }

  public int integer(String key, int fallback) {
    String v = optional(key);
    try {
      return v == null ? fallback : Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("setting " + key + " must be an integer, got '" + v + "'");
    }
  }

  public long longValue(String key, long fallback) {
    String v = optional(key);
    try {
      return v == null ? fallback : Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("setting " + key + " must be an integer, got '" + v + "'");
    }
  }

  public boolean bool(String key, boolean fallback) {
    String v = optional(key);
    return v == null ? fallback : Boolean.parseBoolean(v);
  }

  public Duration millis(String key, long fallbackMillis) {
    return Duration.ofMillis(longValue(key, fallbackMillis));
  }

  public List<String> list(String key) {
    String v = optional(key);
    if (v == null) return List.of();
    return Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }

  /**
   * Every set key under {@code prefix} ("pricing.fixed.") with its value, keyed by the rest of the key
   * ("ETH-EUR"). A key set only from the environment comes in its variable's form, lowercase with
   * underscores ("eth_eur"): callers whose keys have a fixed case restore it themselves.
   */
  public Map<String, String> under(String prefix) {
    Map<String, String> found = new java.util.TreeMap<>();
    String envPrefix = environmentForm(prefix);
    values.forEach((key, value) -> {
      if (value.isEmpty()) return;
      if (key.startsWith(prefix)) found.put(key.substring(prefix.length()), value);
      else if (key.startsWith(envPrefix) && !key.contains(".")) found.putIfAbsent(key.substring(envPrefix.length()), value);
    });
    return found;
  }

  @Override
  public String toString() {
    return "Settings(" + values.size() + " keys)"; // values may hold secrets
  }
}
