package io.tollgate.payment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tollgate.config.Settings;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The chunking of a round's verdicts, as configured. */
class VerdictWriteSettingsTest {

  @Test
  void shouldUseTheDocumentedDefaultsWhenNothingIsSet() {
    assertThat(VerdictWriteSettings.fromSettings(Settings.of(Map.of()))).isEqualTo(new VerdictWriteSettings(64, 4));
    assertThat(VerdictWriteSettings.fromSettings(Settings.load(Path.of("conf/tollgate.properties"), Map.of())))
        .as("conf/tollgate.properties states the defaults").isEqualTo(VerdictWriteSettings.defaults());
  }

  @Test
  void shouldReadBothSettingsFromTheEnvironment() {
    Settings s = Settings.load(Path.of("conf/tollgate.properties"), Map.of(
        "TOLLGATE_PAYMENT_VERDICT_CHUNK_SIZE", "16", "TOLLGATE_PAYMENT_VERDICT_CHUNKS_IN_FLIGHT", "2"));
    assertThat(VerdictWriteSettings.fromSettings(s)).isEqualTo(new VerdictWriteSettings(16, 2));
  }

  @Test
  void shouldRefuseChunksOrWritersFewerThanOne() {
    assertThatThrownBy(() -> VerdictWriteSettings.fromSettings(Settings.of(Map.of("payment.verdict-chunk-size", "0"))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("payment.verdict-chunk-size");
    assertThatThrownBy(() -> VerdictWriteSettings.fromSettings(Settings.of(Map.of("payment.verdict-chunks-in-flight", "0"))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("payment.verdict-chunks-in-flight");
  }
}
