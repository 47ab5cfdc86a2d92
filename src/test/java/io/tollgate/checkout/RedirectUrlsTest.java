package io.tollgate.checkout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tollgate.api.ApiException;
import io.tollgate.api.ErrorCode;
import io.tollgate.merchant.KeyMode;
import org.junit.jupiter.api.Test;

class RedirectUrlsTest {

  @Test
  void httpsUrlsPassAsTheyAre() {
    assertThat(RedirectUrls.check("https://shop.example/thanks?order=7#top", "successUrl", KeyMode.LIVE))
        .isEqualTo("https://shop.example/thanks?order=7#top");
    assertThat(RedirectUrls.check(null, "successUrl", KeyMode.LIVE)).isNull();
  }

  @Test
  void plainHttpOnlyToLocalhostAndOnlyForTestCheckouts() {
    assertThat(RedirectUrls.check("http://localhost:3000/done", "successUrl", KeyMode.TEST)).isEqualTo("http://localhost:3000/done");
    assertThat(RedirectUrls.check("http://127.0.0.1/done", "cancelUrl", KeyMode.TEST)).isEqualTo("http://127.0.0.1/done");
    assertThatThrownBy(() -> RedirectUrls.check("http://localhost:3000/done", "successUrl", KeyMode.LIVE))
        .isInstanceOfSatisfying(ApiException.class, e -> {
          assertThat(e.error()).isEqualTo(ErrorCode.INVALID_URL);
          assertThat(e.detail()).contains("only for test-mode checkouts");
        });
    assertRefused("http://shop.example/done");
  }

  @Test
  void relativeScriptAndMisleadingUrlsAreRefused() {
    assertRefused("/thanks");
    assertRefused("javascript:alert(1)");
    assertRefused("data:text/html,hi");
    assertRefused("https://shop.example@evil.example/");
    assertRefused("https:///no-host");
    assertRefused("https://shop.example/" + "a".repeat(RedirectUrls.MAX_LENGTH));
  }

  private static void assertRefused(String url) {
    assertThatThrownBy(() -> RedirectUrls.check(url, "cancelUrl", KeyMode.TEST)).as(url)
        .isInstanceOfSatisfying(ApiException.class, e -> {
          assertThat(e.error()).isEqualTo(ErrorCode.INVALID_URL);
          assertThat(e.field()).isEqualTo("cancelUrl");
        });
  }
}
