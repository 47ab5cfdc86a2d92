package io.tollgate.e2e;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tollgate.config.InvalidSettingsException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * An inbound variant naming a merchant the database does not hold fails the start with a message
 * saying which variant and which uuid, instead of starting and answering every event 500.
 */
class InboundVariantMerchantEndToEndTest {
  private static final String UNKNOWN = "00000000-0000-4000-8000-000000000001";

  @Test
  void aVariantOfAnUnknownMerchantFailsTheStartNamingIt() {
    assertThatThrownBy(() -> TollgateFixture.start(Map.of(
            "webhooks.inbound.variants", "std",
            "webhooks.inbound.std.provider", "standard_webhooks",
            "webhooks.inbound.std.secrets", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            "webhooks.inbound.std.merchant", UNKNOWN)).close())
        .hasRootCauseInstanceOf(InvalidSettingsException.class)
        .rootCause().hasMessageContaining("webhooks.inbound.std.merchant: no merchant " + UNKNOWN + " in the database");
  }
}
