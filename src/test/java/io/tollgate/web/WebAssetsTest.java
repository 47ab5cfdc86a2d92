package io.tollgate.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WebAssetsTest {

  @Test
  void theBuiltPayPageLinksItsHashedAssetsAndEachIsServed() {
    WebAssets web = WebAssets.fromClasspath();
    String page = web.page("pay").orElseThrow(() -> new AssertionError("the web build did not run (web/manifest.json missing)"));
    java.util.regex.Matcher script = java.util.regex.Pattern.compile("src=\"(/web/pay/assets/main-[A-Z0-9]+\\.js)\"").matcher(page);
    assertThat(script.find()).as("hashed script link in %s", page).isTrue();
    assertThat(web.has(script.group(1))).isTrue();
    assertThat(web.has("/web/pay/assets/main-NOTBUILT.js")).isFalse();
    assertThat(page).doesNotContain("tollgate:scripts");
  }

  @Test
  void gzipIsSentOnlyWhenAccepted() {
    assertThat(WebAssets.acceptsGzip("gzip, deflate, br")).isTrue();
    assertThat(WebAssets.acceptsGzip("br;q=1.0, gzip;q=0.5")).isTrue();
    assertThat(WebAssets.acceptsGzip("gzip;q=0")).isFalse();
    assertThat(WebAssets.acceptsGzip("identity")).isFalse();
    assertThat(WebAssets.acceptsGzip(null)).isFalse();
  }
}
