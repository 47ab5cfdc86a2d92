package io.tollgate.cli;

import io.tollgate.config.Settings;
import io.tollgate.inbound.InboundProvider;
import io.tollgate.inbound.InboundSignatureScheme;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The inbound-variants part of {@link ServeSettingsCheck}: each variant in
 * {@code webhooks.inbound.variants} needs a known provider, secrets that provider's scheme accepts,
 * and a merchant uuid (whether that merchant exists is checked at start, against the database).
 */
final class InboundSettingsCheck {
  private static final String PROVIDERS = Arrays.stream(InboundProvider.values())
      .map(InboundProvider::configName).collect(Collectors.joining(", "));

  private InboundSettingsCheck() {}

  static void problems(Settings settings, List<String> problems) {
    for (String name : settings.list("webhooks.inbound.variants")) {
      if (!name.matches("[A-Za-z0-9_-]{1,64}")) {
        problems.add("webhooks.inbound.variants: '" + name + "' is not a variant name (1-64 of A-Z a-z 0-9 _ -)");
        continue;
      }
      variant(settings, name, problems);
    }
  }

  private static void variant(Settings settings, String name, List<String> problems) {
    String prefix = "webhooks.inbound." + name + ".";
    InboundProvider provider = provider(settings, prefix + "provider", problems);
    List<String> secrets = settings.list(prefix + "secrets");
    if (secrets.isEmpty()) {
      problems.add(ServeSettingsCheck.notSet(prefix + "secrets", "the provider's signing secrets for this variant, comma-separated"));
    } else if (provider != null) {
      try {
        InboundSignatureScheme.create(provider, secrets, Clock.systemUTC());
      } catch (IllegalArgumentException e) {
        problems.add(prefix + "secrets: " + e.getMessage()); // the schemes' messages quote no secret
      }
    }
    String merchant = settings.optional(prefix + "merchant");
    if (merchant == null) {
      problems.add(ServeSettingsCheck.notSet(prefix + "merchant", "the uuid of the merchant whose checkouts this variant may touch"));
    } else if (!isUuid(merchant)) {
      problems.add(prefix + "merchant is not a uuid: '" + merchant + "'");
    }
  }

  private static InboundProvider provider(Settings settings, String key, List<String> problems) {
    String value = settings.optional(key);
    if (value == null) {
      problems.add(ServeSettingsCheck.notSet(key, "one of " + PROVIDERS));
      return null;
    }
    try {
      return InboundProvider.fromConfigName(value);
    } catch (IllegalArgumentException e) {
      problems.add(key + ": unknown provider '" + value + "' (one of " + PROVIDERS + ")");
      return null;
    }
  }

  private static boolean isUuid(String value) {
    try {
      // UUID.fromString accepts short forms like 1-2-3-4-5: require the canonical text as well.
      return UUID.fromString(value).toString().equalsIgnoreCase(value);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
