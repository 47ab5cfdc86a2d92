package io.tollgate.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tollgate.config.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How a chain's head settings are read, as a deployment sets them (file, then environment). */
class ChainRegistryTest {
  @TempDir Path dir;

  @Test
  void theWebSocketUrlComesFromTheEnvironmentAlthoughTheFileDoesNotNameIt() throws Exception {
    Path file = dir.resolve("t.properties");
    Files.writeString(file, "chains=8453\nchain.8453.rpc-urls=https://rpc.example/v2/KEY\nchain.8453.poll-interval-ms=1000\n");
    ChainConfig chain = ChainRegistry.fromSettings(Settings.load(file, Map.of(
        "TOLLGATE_CHAIN_8453_WS_URL", "wss://rpc.example/v2/KEY",
        "TOLLGATE_CHAIN_8453_WS_FALLBACK_POLL_INTERVAL_MS", "8000"))).chain(8453).orElseThrow();

    assertThat(chain.newHeadsUrl()).contains("wss://rpc.example/v2/KEY");
    assertThat(chain.pollInterval()).isEqualTo(Duration.ofSeconds(1));
    assertThat(chain.wsFallbackPollInterval()).isEqualTo(Duration.ofSeconds(8));
  }

  @Test
  void withoutAWebSocketUrlHeadsArePolledAndTheFallbackHasItsDefault() {
    ChainConfig chain = ChainRegistry.fromSettings(Settings.of(Map.of("chains", "8453", "chain.8453.rpc-urls", "http://a")))
        .chain(8453).orElseThrow();
    assertThat(chain.newHeadsUrl()).isEmpty();
    assertThat(chain.wsFallbackPollInterval()).isEqualTo(ChainConfig.DEFAULT_WS_FALLBACK_POLL_INTERVAL);
  }

  @Test
  void theFallbackIsNeverFasterThanTheNormalPoll() {
    ChainConfig chain = ChainRegistry.fromSettings(Settings.of(Map.of("chains", "1", "chain.1.rpc-urls", "http://a",
        "chain.1.poll-interval-ms", "12000", "chain.1.ws-url", "ws://a", "chain.1.ws-fallback-poll-interval-ms", "5000")))
        .chain(1).orElseThrow();
    assertThat(chain.wsFallbackPollInterval()).isEqualTo(Duration.ofSeconds(12));
  }

  @Test
  void aWebSocketUrlOfAnotherSchemeIsRefusedWithoutQuotingIt() {
    assertThatThrownBy(() -> ChainRegistry.fromSettings(Settings.of(Map.of("chains", "1", "chain.1.rpc-urls", "http://a",
        "chain.1.ws-url", "https://rpc.example/v2/SECRET"))))
        .hasMessageContaining("ws-url").hasMessageNotContaining("SECRET");
  }

  @Test
  void toStringShowsNoProviderKeys() {
    ChainConfig chain = ChainRegistry.fromSettings(Settings.of(Map.of("chains", "1",
        "chain.1.rpc-urls", "https://rpc.example/v2/SECRET1", "chain.1.ws-url", "wss://user:SECRET2@ws.example/SECRET3")))
        .chain(1).orElseThrow();
    assertThat(chain.toString()).contains("https://rpc.example", "wss://ws.example").doesNotContain("SECRET");
  }

  @Test
  void theBatchCapIsPerChainWithADefaultAndMustBePositive() {
    ChainRegistry chains = ChainRegistry.fromSettings(Settings.of(Map.of("chains", "1,8453",
        "chain.1.rpc-urls", "http://a", "chain.8453.rpc-urls", "http://b", "chain.8453.rpc-max-batch", "10")));
    assertThat(chains.chain(1).orElseThrow().rpcMaxBatch()).isEqualTo(ChainConfig.DEFAULT_RPC_MAX_BATCH);
    assertThat(chains.chain(8453).orElseThrow().rpcMaxBatch()).isEqualTo(10);
    assertThat(JsonRpcClient.Options.of(chains.chain(8453).orElseThrow()).maxBatchSize()).isEqualTo(10);

    assertThatThrownBy(() -> ChainRegistry.fromSettings(Settings.of(Map.of("chains", "1", "chain.1.rpc-urls", "http://a",
        "chain.1.rpc-max-batch", "0"))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("rpc-max-batch");
  }
}
