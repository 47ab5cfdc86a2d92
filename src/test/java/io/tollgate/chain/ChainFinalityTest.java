package io.tollgate.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tollgate.config.Settings;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChainFinalityTest {

  private static ChainRegistry registry(Map<String, String> extra) {
    Map<String, String> s = new HashMap<>(Map.of("chains", "8453", "chain.8453.rpc-urls", "https://a.example",
        "chain.8453.tokens", "USDC"));
    s.putAll(extra);
    return ChainRegistry.fromSettings(Settings.of(s));
  }

  @Test
  void defaultsFollowTheChain() {
    assertThat(registry(Map.of()).finality(8453).depth()).isEqualTo(15);
    assertThat(ChainFinality.defaultDepth(1)).isEqualTo(12);
    assertThat(ChainFinality.defaultDepth(137)).isEqualTo(16);
    assertThat(ChainFinality.defaultDepth(42161)).isEqualTo(120);
  }

  @Test
  void zeroConfirmationsNeedTheSweep() {
    assertThat(registry(Map.of("chain.8453.confirmations", "0")).finality(8453).sweepOn()).isTrue();
    assertThatThrownBy(() -> registry(Map.of("chain.8453.confirmations", "0", "chain.8453.finality-depth", "0")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("finality-depth");
    assertThatThrownBy(() -> registry(Map.of("chain.8453.finality-depth", "-1")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theSecondProviderCheckNeedsTwoProviders() {
    assertThat(registry(Map.of()).finality(8453).secondProviderCheck()).isFalse();
    assertThat(registry(Map.of("chain.8453.rpc-urls", "https://a.example,https://b.example")).finality(8453)
        .secondProviderCheck()).isTrue();
    assertThat(registry(Map.of("chain.8453.rpc-urls", "https://a.example,https://b.example",
        "chain.8453.second-provider-check", "false")).finality(8453).secondProviderCheck()).isFalse();
  }
}
