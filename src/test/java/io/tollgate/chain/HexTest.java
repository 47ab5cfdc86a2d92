package io.tollgate.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class HexTest {

  @Test
  void shouldReadQuantities() {
    assertThat(Hex.quantity("0x0")).isEqualTo(BigInteger.ZERO);
    assertThat(Hex.quantity("0xff")).isEqualTo(BigInteger.valueOf(255));
    assertThat(Hex.quantity("0xFF")).isEqualTo(BigInteger.valueOf(255));
    assertThat(Hex.quantity("0x" + "f".repeat(64))).isEqualTo(BigInteger.TWO.pow(256).subtract(BigInteger.ONE));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "0x", "ff", "0X1", "-0x1", "0x-1", "0x 1", "0x1 ", "+0x1", "0xg"})
  void shouldRefuseWhatIsNotAQuantity(String text) {
    assertThatThrownBy(() -> Hex.quantity(text)).isInstanceOf(ChainDataException.class);
  }

  @Test
  void shouldRefuseQuantitiesWiderThan256Bits() {
    assertThatThrownBy(() -> Hex.quantity("0x1" + "0".repeat(64))).isInstanceOf(ChainDataException.class);
  }

  @Test
  void shouldRefuseLongQuantitiesThatOverflow() {
    assertThatThrownBy(() -> Hex.longQuantity("0x8000000000000000")).isInstanceOf(ChainDataException.class);
    assertThat(Hex.longQuantity("0x7fffffffffffffff")).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void shouldLowercaseAddressesAndCheckTheirLength() {
    assertThat(Hex.address("0xABCDEF0000000000000000000000000000000001")).isEqualTo("0xabcdef0000000000000000000000000000000001");
    assertThatThrownBy(() -> Hex.address("0xabcdef00000000000000000000000000000001")).isInstanceOf(ChainDataException.class);
  }

  @Test
  void shouldEncodeQuantitiesWithoutLeadingZeros() {
    assertThat(Hex.quantity(0)).isEqualTo("0x0");
    assertThat(Hex.quantity(256)).isEqualTo("0x100");
  }
}
