package io.tollgate.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class IpLiteralsTest {

  @ParameterizedTest
  @CsvSource({
      "2001:0db8:0000:0000:0000:0000:0002:0001, 2001:db8::2:1",
      "2001:db8:0:0:1:0:0:1,                    2001:db8::1:0:0:1",
      "2001:db8:0:1:1:1:1:1,                    2001:db8:0:1:1:1:1:1",
      "::,                                      ::",
      "1::,                                     1::",
      "::1,                                     ::1",
      "1:2:3:4:5:6:7::,                         1:2:3:4:5:6:7:0",
      "fe80::1%eth0,                            fe80::1",
      "64:ff9b::192.0.2.33,                     64:ff9b::c000:221",
      "::ffff:192.0.2.33,                       192.0.2.33",
      "0.0.0.0,                                 0.0.0.0",
      "255.255.255.255,                         255.255.255.255"})
  void shouldParseAndPrintCanonically(String text, String canonical) {
    assertThat(IpLiterals.format(IpLiterals.parse(text))).isEqualTo(canonical);
  }
}
