package io.tollgate.dev;

import io.tollgate.config.Settings;
import io.tollgate.db.DatabaseSettings;
import io.tollgate.merchant.PaymentMethod;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import org.web3j.crypto.Credentials;

/**
 * What {@code tollgate dev} prints once the service is up: everything it generated or started for
 * this run (so nothing has to be dug out of logs), then the curl walkthrough when the local anvil
 * runs (it pays from an unlocked anvil account, which a user's own chain does not have).
 */
final class DevBanner {
  private static final String RULE = "==================================================================================";

  private DevBanner() {}

  /** Collects what {@link DevEnvironment} set up, in the order it does so. */
  static final class Builder {
    private final List<String> generated = new ArrayList<>();
    private boolean embeddedDatabase;
    private String anvilRpcUrl;
    private String anvilWsUrl;
    private String token;
    private UUID merchantId;
    private String apiKey;
    private List<PaymentMethod> methods = List.of();

    void generated(String key) { generated.add(key); }

    void embeddedDatabase() { embeddedDatabase = true; }

    void localAnvil(String rpcUrl, String wsUrl, String demoToken) {
      anvilRpcUrl = rpcUrl;
      anvilWsUrl = wsUrl;
      token = demoToken;
    }

    void merchant(UUID id, String key, List<PaymentMethod> accepted) {
      merchantId = id;
      apiKey = key;
      methods = List.copyOf(accepted);
    }

    String build(Settings settings) {
      StringBuilder text = new StringBuilder("\n").append(RULE).append('\n')
          .append(" Tollgate DEVELOPMENT MODE: never for real money. Set up for this run:\n");
      // DatabaseSettings.toString leaves the password out.
      line(text, "database", DatabaseSettings.fromUrl(settings.optional("database.url"))
          + (embeddedDatabase ? "  (embedded, gone at exit)" : "  (database.url)"));
      if (merchantId != null) {
        line(text, "merchant", merchantId + "  \"Demo ticket shop\", paid to " + DevEnvironment.MERCHANT_RECIPIENT
            + " (anvil account 9)");
        line(text, "accepts", methods.stream().map(m -> m.chainId() + ":" + m.token()).collect(Collectors.joining(", ")));
        line(text, "API key", apiKey + "  (shown once: only its hash is stored)");
      }
      if (anvilRpcUrl != null) {
        line(text, "chain", DevEnvironment.DEV_CHAIN_ID + ", local anvil, a block per second");
        line(text, "anvil RPC", anvilRpcUrl + "  (WebSocket " + anvilWsUrl + ")");
        line(text, "demo USDC", token + "  (6 decimals, EIP-3009: gasless payments by signature)");
        line(text, "relayer", Credentials.create(DevEnvironment.RELAYER_KEY).getAddress() + "  (anvil account 8: pays the gas of gasless payments)");
        line(text, "funded", "anvil's public test accounts, 10,000 ETH and 1,000,000 demo USDC each:");
        for (Credentials account : DevEnvironment.FUNDED) {
          text.append("                 ").append(account.getAddress()).append("  key ")
              .append(org.web3j.utils.Numeric.toHexStringWithPrefixZeroPadded(account.getEcKeyPair().getPrivateKey(), 64))
              .append('\n');
        }
      } else {
        line(text, "chains", String.join(", ", settings.list("chains")) + "  (configured: the curl walkthrough needs"
            + " the local anvil, so it is not printed)");
      }
      if (!generated.isEmpty()) {
        line(text, "generated", String.join(", ", generated));
        if (generated.stream().anyMatch(key -> key.startsWith("secrets."))) {
          line(text, "", "(random keys: client secrets and webhook endpoint secrets stop working at restart)");
        }
      }
      if (anvilRpcUrl != null && apiKey != null) {
        // The walkthrough opens with its own rule.
        text.append(Walkthrough.text(settings.integer("http.port", 8080), apiKey, anvilRpcUrl, token,
            DevEnvironment.BUYER_ADDRESS).stripLeading());
      } else {
        text.append(RULE).append('\n');
      }
      return text.toString();
    }

    private static void line(StringBuilder text, String label, String value) {
      text.append(String.format(" %-14s %s\n", label, value));
    }
  }
}
