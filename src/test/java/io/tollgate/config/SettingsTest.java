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
}
