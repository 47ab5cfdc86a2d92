package io.tollgate;

import io.tollgate.merchant.ApiKeyRegistry;
import io.tollgate.merchant.MerchantAuthenticator;
import io.tollgate.merchant.MerchantChangeListener;
import io.tollgate.merchant.MerchantDirectory;
import io.tollgate.merchant.PaymentMethodRules;
import java.time.Duration;
import java.util.List;

/**
 * Merchants and their keys: the authenticator every HTTP instance shares, the operator's directory
 * and key registry, and the listener that evicts changed merchants from the authenticator's cache
 * (deployed before HTTP, so no request is answered from a cache nobody invalidates).
 */
final class MerchantModule {
  final MerchantAuthenticator authenticator;
  final MerchantDirectory directory;
  final ApiKeyRegistry keys;
  private final Foundation f;

  private MerchantModule(Foundation f) {
    this.f = f;
    authenticator = new MerchantAuthenticator(f.pool(), f.clock(),
        Duration.ofSeconds(f.settings().longValue("merchant.key-cache-seconds", 60)));
    directory = new MerchantDirectory(f.pool(), f.clock(), new PaymentMethodRules(f.chains()));
    keys = new ApiKeyRegistry(f.pool(), f.clock());
  }

  static MerchantModule create(Foundation f) {
    return new MerchantModule(f);
  }

  Module module() {
    return Module.of(List.of(() -> f.vertx().deployVerticle(new MerchantChangeListener(f.db(), authenticator))));
  }
}
