package io.tollgate.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The small rules of the event log and request ids that no end-to-end flow meets by chance. */
class TelemetryTest {

  @Test
  void urlsInErrorTextsKeepOnlySchemeAndHost() {
    assertThat(EventLog.withoutUrlPaths("url_refused: https://shop.example:8443/hooks?token=s3cret is private"))
        .isEqualTo("url_refused: https://shop.example:8443/… is private");
    assertThat(EventLog.withoutUrlPaths("HTTP 500")).isEqualTo("HTTP 500");
    assertThat(EventLog.withoutUrlPaths(null)).isNull();
  }

  @Test
  void saneRequestIdsAreKeptAndOthersReplaced() {
    assertThat(RequestIds.acceptOrCreate("lb-7f3a:42.req_1")).isEqualTo("lb-7f3a:42.req_1");
    for (String odd : new String[] {null, "", "a b", "x".repeat(65), "id\nwith-newline", "<script>", "ünïcode"}) {
      String created = RequestIds.acceptOrCreate(odd);
      assertThat(created).isNotEqualTo(odd).matches("[0-9a-f]{8}-[0-9a-f]+");
    }
    assertThat(RequestIds.acceptOrCreate(null)).isNotEqualTo(RequestIds.acceptOrCreate(null));
    assertThat(RequestIds.current()).as("outside a request").isNull();
  }
}
