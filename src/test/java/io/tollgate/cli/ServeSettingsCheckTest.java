package io.tollgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.config.Settings;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class ServeSettingsCheckTest {
  private static final String KEY_32 = "bG9hZHRlc3QtbG9hZHRlc3QtbG9hZHRlc3QtbG9hZHQ="; // 32 bytes
  private static final String MERCHANT = "2f1c9d1e-6a51-4c0e-9c43-3b8f1f0b7a11";

  /** What a minimal deployment sets: one public chain with known tokens, one inbound variant. */
  private static Map<String, String> complete() {
    Map<String, String> values = new HashMap<>();
    values.put("database.url", "postgresql://tollgate:pw@db.internal:5432/tollgate");
    values.put("secrets.client-secret-key", KEY_32);
    values.put("secrets.webhook-keys", "1:" + KEY_32);
    values.put("chains", "8453");
    values.put("chain.8453.rpc-urls", "https://base.example/v2/apikey, https://fallback.example");
    values.put("chain.8453.tokens", "USDC,ETH");
    values.put("webhooks.inbound.variants", "stripe-main");
    values.put("webhooks.inbound.stripe-main.provider", "stripe");
    values.put("webhooks.inbound.stripe-main.secrets", "whsec_abc");
    values.put("webhooks.inbound.stripe-main.merchant", MERCHANT);
    return values;
  }

  private static List<String> problemsWith(Consumer<Map<String, String>> change) {
    Map<String, String> values = complete();
    change.accept(values);
    return ServeSettingsCheck.problems(Settings.of(values));
  }

  @Test
  void theX402OpenModeIsRefusedWithALiveChainAndAnUnknownModeIsNamed() {
    assertThat(problemsWith(v -> v.put("x402.auth", "open"))).singleElement().asString().contains("x402.auth=open");
    assertThat(problemsWith(v -> v.put("x402.auth", "none"))).singleElement().asString().contains("x402.auth must be");
    assertThat(problemsWith(v -> v.put("x402.auth", "api-key"))).isEmpty();
  }

  @Test
  void aCompleteDeploymentHasNoProblems() {
    assertThat(ServeSettingsCheck.problems(Settings.of(complete()))).isEmpty();
  }

  @Test
  void anEmptyConfigurationListsEveryRequiredSettingAtOnce() {
    List<String> problems = ServeSettingsCheck.problems(Settings.of(Map.of()));
    assertThat(problems).hasSize(4);
    assertThat(problems.get(0)).startsWith("database.url is not set (TOLLGATE_DATABASE_URL)");
    assertThat(problems.get(1)).startsWith("secrets.client-secret-key is not set (TOLLGATE_SECRETS_CLIENT_SECRET_KEY)");
    assertThat(problems.get(2)).startsWith("secrets.webhook-keys is not set (TOLLGATE_SECRETS_WEBHOOK_KEYS)");
    assertThat(problems.get(3)).startsWith("chains is not set (TOLLGATE_CHAINS)");
  }

  @Test
  void everyProblemOfAWrongConfigurationIsListedNotOnlyTheFirst() {
    List<String> problems = problemsWith(v -> {
      v.put("database.url", "mysql://x");
      v.put("secrets.client-secret-key", "c2hvcnQ=");
      v.put("chain.8453.tokens", "USDC,FOO");
      v.put("webhooks.inbound.stripe-main.provider", "paypal");
    });
    assertThat(problems).hasSize(4);
  }

  @Test
  void thePublicUrlOfPaymentLinksMustBeABaseUrl() {
    assertThat(problemsWith(v -> v.put("http.public-url", "https://pay.example.com"))).isEmpty();
    assertThat(problemsWith(v -> v.put("http.public-url", ""))).isEmpty();
    assertThat(problemsWith(v -> v.put("http.public-url", "pay.example.com"))).singleElement().asString()
        .contains("http.public-url 'pay.example.com' is not a base URL like https://pay.example.com");
    assertThat(problemsWith(v -> v.put("http.public-url", "https://pay.example.com/#x"))).hasSize(1);
  }

  @Test
  void theDatabaseUrlMustBeAPostgresqlUrlAndIsNeverEchoed() {
    assertThat(problemsWith(v -> v.remove("database.url"))).singleElement().asString().startsWith("database.url is not set");
    assertThat(problemsWith(v -> v.put("database.url", "mysql://u:hunter2@h/d"))).singleElement().asString()
        .contains("database.url is not a postgresql://").doesNotContain("hunter2");
    assertThat(problemsWith(v -> v.put("database.url", "postgres://u@h:5432/d"))).isEmpty();
    assertThat(problemsWith(v -> v.put("database.url", "jdbc:postgresql://h:5432/d"))).isEmpty();
  }

  @Test
  void theClientSecretKeyMustBeBase64OfAtLeast32Bytes() {
    assertThat(problemsWith(v -> v.remove("secrets.client-secret-key"))).singleElement().asString()
        .startsWith("secrets.client-secret-key is not set");
    assertThat(problemsWith(v -> v.put("secrets.client-secret-key", "not base64!"))).singleElement().asString()
        .isEqualTo("secrets.client-secret-key is not valid base64");
    assertThat(problemsWith(v -> v.put("secrets.client-secret-key", "c2hvcnQ="))).singleElement().asString()
        .isEqualTo("secrets.client-secret-key decodes to 5 bytes; at least 32 are needed");
  }

  @Test
  void theWebhookKeyringMustBeSetAndHoldTheActiveKey() {
    assertThat(problemsWith(v -> v.remove("secrets.webhook-keys"))).singleElement().asString()
        .startsWith("secrets.webhook-keys is not set");
    assertThat(problemsWith(v -> v.put("secrets.webhook-keys", "1:c2hvcnQ="))).singleElement().asString()
        .isEqualTo("secrets.webhook-keys: master key 1 must be 32 bytes (AES-256)");
    assertThat(problemsWith(v -> v.put("secrets.webhook-active-key", "2"))).singleElement().asString()
        .isEqualTo("secrets.webhook-keys: active master key 2 is not in the keyring");
    assertThat(problemsWith(v -> v.put("secrets.webhook-active-key", "one"))).singleElement().asString()
        .contains("secrets.webhook-active-key must be an integer");
  }

  @Test
  void atLeastOneChainWithRpcUrlsAndTokens() {
    assertThat(problemsWith(v -> v.remove("chains"))).singleElement().asString().startsWith("chains is not set");
    assertThat(problemsWith(v -> v.put("chains", "8453,base"))).singleElement().asString()
        .isEqualTo("chains: 'base' is not a chain id (a positive decimal number)");
    assertThat(problemsWith(v -> {
      v.remove("chain.8453.rpc-urls");
      v.remove("chain.8453.tokens");
    })).containsExactly(
        "chain.8453.rpc-urls is not set (TOLLGATE_CHAIN_8453_RPC_URLS): the chain's JSON-RPC endpoints (http or https), comma-separated",
        "chain.8453.tokens is not set (TOLLGATE_CHAIN_8453_TOKENS): the token symbols accepted on chain 8453, e.g. USDC,ETH");
  }

  @Test
  void rpcUrlsMustBeHttpAndAreNotQuoted() {
    assertThat(problemsWith(v -> v.put("chain.8453.rpc-urls", "https://ok.example,wss://ws.example/secret-key")))
        .singleElement().asString().isEqualTo("chain.8453.rpc-urls: entry 2 is not an http:// or https:// URL");
  }

  @Test
  void everyBadTokenIsNamed() {
    assertThat(problemsWith(v -> {
      v.put("chain.8453.tokens", "USDC,FOO,BAR,DAI");
      v.put("chain.8453.token.BAR.address", "0x1234");
      v.put("chain.8453.token.DAI.address", "0x50c5725949a6f0c72e6c4a641f24049a917db0cb");
    })).containsExactly(
        "chain 8453: token FOO is not known on this chain; set chain.8453.token.FOO.address or chain.8453.token.FOO.native=true",
        "chain.8453.token.BAR.address is not a 0x address of 40 hex digits");
  }

  @Test
  void otherChainSettingsAreCheckedByTheRegistry() {
    assertThat(problemsWith(v -> v.put("chain.8453.ws-url", "https://not-a-socket.example"))).singleElement().asString()
        .isEqualTo("chain 8453: ws-url must be a ws:// or wss:// URL");
    assertThat(problemsWith(v -> v.put("chain.8453.confirmations", "many"))).singleElement().asString()
        .contains("chain.8453.confirmations must be an integer");
  }

  @Test
  void anInboundVariantNeedsAKnownProviderItsSecretsAndAMerchantUuid() {
    assertThat(problemsWith(v -> v.put("webhooks.inbound.stripe-main.provider", "paypal"))).singleElement().asString()
        .isEqualTo("webhooks.inbound.stripe-main.provider: unknown provider 'paypal' (one of stripe, noderails, standard_webhooks)");
    assertThat(problemsWith(v -> v.remove("webhooks.inbound.stripe-main.provider"))).singleElement().asString()
        .startsWith("webhooks.inbound.stripe-main.provider is not set (TOLLGATE_WEBHOOKS_INBOUND_STRIPE_MAIN_PROVIDER)");
    assertThat(problemsWith(v -> v.remove("webhooks.inbound.stripe-main.secrets"))).singleElement().asString()
        .startsWith("webhooks.inbound.stripe-main.secrets is not set (TOLLGATE_WEBHOOKS_INBOUND_STRIPE_MAIN_SECRETS)");
    assertThat(problemsWith(v -> v.remove("webhooks.inbound.stripe-main.merchant"))).singleElement().asString()
        .startsWith("webhooks.inbound.stripe-main.merchant is not set");
    assertThat(problemsWith(v -> v.put("webhooks.inbound.stripe-main.merchant", "shop-1"))).singleElement().asString()
        .isEqualTo("webhooks.inbound.stripe-main.merchant is not a uuid: 'shop-1'");
    assertThat(problemsWith(v -> v.put("webhooks.inbound.variants", "stripe-main,bad name!"))).singleElement().asString()
        .startsWith("webhooks.inbound.variants: 'bad name!' is not a variant name");
  }

  @Test
  void secretsTheProviderSchemeRefusesAreReportedWithoutQuotingThem() {
    List<String> problems = problemsWith(v -> {
      v.put("webhooks.inbound.stripe-main.provider", "standard_webhooks");
      v.put("webhooks.inbound.stripe-main.secrets", "plain-secret-value");
    });
    assertThat(problems).singleElement().asString()
        .startsWith("webhooks.inbound.stripe-main.secrets: ").doesNotContain("plain-secret-value");
  }

  @Test
  void environmentVariablesAreNamedAsSettingsReadsThem() {
    assertThat(ServeSettingsCheck.variable("chain.8453.rpc-urls")).isEqualTo("TOLLGATE_CHAIN_8453_RPC_URLS");
    Settings fromEnvironment = Settings.load(null, Map.of(ServeSettingsCheck.variable("webhooks.inbound.stripe-main.secrets"), "x"));
    assertThat(fromEnvironment.optional("webhooks.inbound.stripe-main.secrets")).isEqualTo("x");
  }
}
