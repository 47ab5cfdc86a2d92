package io.tollgate.dev;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.config.Settings;
import io.tollgate.merchant.PaymentMethod;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class DevBannerTest {
  private static final UUID MERCHANT = UUID.fromString("2f1c9d1e-6a51-4c0e-9c43-3b8f1f0b7a11");

  @Test
  void theFundedAccountsAreTheOnesTheWalkthroughAndTheMintUse() {
    assertThat(DevEnvironment.FUNDED.get(0).getAddress()).isEqualTo(DevEnvironment.DEPLOYER.getAddress());
    assertThat(DevEnvironment.FUNDED.get(1).getAddress()).isEqualTo(DevEnvironment.BUYER_ADDRESS);
    assertThat(DevEnvironment.FUNDED.get(2).getAddress()).isEqualTo("0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc");
  }

  @Test
  void listsEverythingGeneratedThenTheWalkthrough() {
    DevBanner.Builder banner = new DevBanner.Builder();
    banner.generated("secrets.client-secret-key");
    banner.embeddedDatabase();
    banner.localAnvil("http://127.0.0.1:4444", "ws://127.0.0.1:4444", "0x5fbdb2315678afecb367f032d93f642f64180aa3");
    banner.merchant(MERCHANT, "tg_demo_key", List.of(new PaymentMethod(31337, "USDC", DevEnvironment.MERCHANT_RECIPIENT)));

    String text = banner.build(Settings.of(Map.of("database.url", "postgresql://postgres:pw@127.0.0.1:5555/postgres",
        "http.port", "8181")));

    assertThat(text).contains("DEVELOPMENT MODE", "never for real money", "postgresql://postgres@127.0.0.1:5555/postgres",
        MERCHANT.toString(), "tg_demo_key", "http://127.0.0.1:4444", "31337:USDC", "secrets.client-secret-key",
        "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80", DevEnvironment.BUYER_ADDRESS,
        "Walkthrough", "http://localhost:8181/v1/checkouts");
    assertThat(text).doesNotContain(":pw@");
  }

  @Test
  void aUsersOwnChainGetsNoWalkthrough() {
    DevBanner.Builder banner = new DevBanner.Builder();
    banner.merchant(MERCHANT, "tg_demo_key", List.of(new PaymentMethod(84532, "USDC", DevEnvironment.MERCHANT_RECIPIENT)));

    String text = banner.build(Settings.of(Map.of("database.url", "postgresql://u@db:5432/t", "chains", "84532")));

    assertThat(text).contains("tg_demo_key", "84532:USDC", "(database.url)").doesNotContain("Walkthrough");
  }
}
