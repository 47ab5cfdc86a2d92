package io.tollgate.merchant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tollgate.api.ApiException;
import io.tollgate.api.ErrorCode;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class AllowedOriginsTest {

  @Test
  void originsAreNormalisedAsBrowsersWriteThem() {
    assertThat(AllowedOrigins.check(List.of("https://Shop.Example:443/", "https://shop.example", "https://tickets.example:8443",
        "http://localhost:3000", "http://127.0.0.1")))
        .containsExactly("https://shop.example", "https://tickets.example:8443", "http://localhost:3000", "http://127.0.0.1");
    assertThat(AllowedOrigins.check(null)).isEmpty();
  }

  @Test
  void anythingButAnOriginIsRefused() {
    for (String bad : List.of("http://shop.example", "https://shop.example/pay", "https://shop.example?x=1", "shop.example",
        "https://*.shop.example", "https://user@shop.example", "*", "'self'", "https://shop.example; script-src *", "")) {
      assertThatThrownBy(() -> AllowedOrigins.check(List.of(bad))).as(bad)
          .isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.error()).isEqualTo(ErrorCode.INVALID_ORIGIN);
            assertThat(e.field()).isEqualTo("allowedOrigins");
          });
    }
    assertThatThrownBy(() -> AllowedOrigins.check(Collections.nCopies(AllowedOrigins.MAX + 1, "https://a.example")))
        .isInstanceOf(ApiException.class);
  }
}
