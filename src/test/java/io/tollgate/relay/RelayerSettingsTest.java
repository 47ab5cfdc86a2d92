package io.tollgate.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tollgate.config.Settings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RelayerSettingsTest {
  private static final String KEY = "0xdbda1821b80551c9d65939329250298aa3472ba22feea921c0cf5d620ea67b97";

  @Test
  void readsOneKeyPerChainAndSkipsChainsWithout() {
    RelayerSettings s = RelayerSettings.fromSettings(Settings.of(Map.of("chains", "8453,1",
        "chain.8453.relayer.private-key", KEY, "chain.8453.relayer.bump-after-ms", "12000",
        "chain.8453.relayer.warn-below-relays", "7", "relayer.operator-webhook-url", "https://ops.example/hook")));
    assertThat(s.chains()).containsOnlyKeys(8453L);
    RelayerSettings.Chain chain = s.chain(8453).orElseThrow();
    assertThat(chain.bumpAfter()).isEqualTo(Duration.ofSeconds(12));
    assertThat(chain.maxBumps()).isEqualTo(3);
    assertThat(chain.warnBelowRelays()).isEqualTo(7);
    assertThat(chain.address()).isEqualTo("0x23618e81e3f5cdf7f54c3d65f7fbc0abf5b21e8f");
    assertThat(s.operatorWebhookUrl()).contains("https://ops.example/hook");
    assertThat(chain.toString()).doesNotContain(KEY.substring(2)).doesNotContain("dbda1821");
  }

  @Test
  void aBadKeyIsReportedWithoutQuotingIt() {
    List<String> problems = new ArrayList<>();
    RelayerSettings.problems(Settings.of(Map.of("chains", "8453", "chain.8453.relayer.private-key", "0x1234abcd",
        "relayer.operator-webhook-url", "ftp://x")), problems);
    assertThat(problems).hasSize(2);
    assertThat(problems.get(0)).contains("chain.8453.relayer.private-key").doesNotContain("1234abcd");
    assertThat(problems.get(1)).contains("relayer.operator-webhook-url");
    assertThatThrownBy(() -> RelayerSettings.fromSettings(Settings.of(Map.of("chains", "8453",
        "chain.8453.relayer.private-key", "0x" + "0".repeat(64))))).hasMessageContaining("private-key");
  }
}
