package io.tollgate.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsTest {
  @TempDir Path dir;

  @Test
  void environmentVariablesOverrideTheFileByTheirDerivedName() throws IOException {
    Path file = dir.resolve("t.properties");
    Files.writeString(file, "# comment\nchain.8453.rpc-urls=http://a\nhttp.port=8080\nredis.url=\n");
    Settings s = Settings.load(file, Map.of("TOLLGATE_CHAIN_8453_RPC_URLS", "http://b, http://c",
        "TOLLGATE_REDIS_URL", "redis://r", "PATH", "/bin"));
    assertThat(s.list("chain.8453.rpc-urls")).containsExactly("http://b", "http://c");
    assertThat(s.optional("redis.url")).isEqualTo("redis://r");
    assertThat(s.integer("http.port", 1)).isEqualTo(8080);
  }

  @Test
  void emptyValuesMeanNotSetAndBadNumbersSayWhichKey() {
    Settings s = Settings.of(Map.of("a", "", "n", "x"));
    assertThat(s.optional("a")).isNull();
    assertThat(s.string("a", "fallback")).isEqualTo("fallback");
    assertThatThrownBy(() -> s.integer("n", 1)).hasMessageContaining("n");
  }

  @Test
  void toStringRevealsNoValues() {
    assertThat(Settings.of(Map.of("secrets.client-secret-key", "c2VjcmV0")).toString()).doesNotContain("c2VjcmV0");
  }

  @Test
  void environmentOverridesKeysOfTheFileAndSetsKeysTheFileLacks() {
    Settings s = Settings.load(Path.of("conf/tollgate.properties"), Map.of(
        "TOLLGATE_HTTP_PORT", "9000",
        "TOLLGATE_CHAIN_31337_RPC_URLS", "http://127.0.0.1:8545",
        "TOLLGATE_CHAIN_31337_TOKEN_USDC_ADDRESS", "0x5fbdb2315678afecb367f032d93f642f64180aa3",
        "TOLLGATE_CHAIN_31337_TOKEN_ETH_NATIVE", "true",
        "OTHER_VARIABLE", "ignored"));

    assertThat(s.integer("http.port", 0)).isEqualTo(9000);
    assertThat(s.list("chain.31337.rpc-urls")).containsExactly("http://127.0.0.1:8545");
    assertThat(s.optional("chain.31337.token.USDC.address")).isEqualTo("0x5fbdb2315678afecb367f032d93f642f64180aa3");
    assertThat(s.bool("chain.31337.token.ETH.native", false)).isTrue();
    assertThat(s.optional("chain.31337.token.USDT0.address")).isNull();
  }

  @Test
  void explicitOverridesWinOverTheirEnvironmentForm() {
    Settings s = Settings.load(null, Map.of("TOLLGATE_CHAIN_1_NAME", "from env"))
        .with(Map.of("chain.1.name", "from override"));
    assertThat(s.optional("chain.1.name")).isEqualTo("from override");
  }
}
