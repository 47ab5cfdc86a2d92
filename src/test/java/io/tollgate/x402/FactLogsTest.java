package io.tollgate.x402;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tollgate.chain.ChainDataException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The feed reads logs strictly: anything it was not asked for, or cannot place, is an error, never skipped. */
class FactLogsTest {
  static final String TOKEN = VerifyFactsTest.TOKEN;
  static final String HASH_7 = "0x" + "07".repeat(32);

  private static JsonObject transfer(long block, String blockHash, long index) {
    return new JsonObject().put("address", TOKEN).put("blockNumber", "0x" + Long.toHexString(block)).put("blockHash", blockHash)
        .put("logIndex", "0x" + Long.toHexString(index)).put("removed", false).put("data", String.format("0x%064x", 5))
        .put("topics", new JsonArray().add(FactLogs.TRANSFER).add(FakeFactsChain.word(VerifyFactsTest.PAYER))
            .add(FakeFactsChain.word(VerifyFactsTest.OTHER)));
  }

  @Test
  void transfersAndUsedNoncesComeOutInChainOrder() {
    JsonObject used = transfer(6, "0x" + "06".repeat(32), 0).put("data", "0x");
    used.put("topics", new JsonArray().add(FactLogs.USED).add(FakeFactsChain.word(VerifyFactsTest.PAYER)).add(VerifyFactsTest.NONCE));
    var changes = FactLogs.parse(new JsonArray().add(transfer(7, HASH_7, 1)).add(used), 6, 7, HASH_7, Set.of(TOKEN));
    assertThat(changes).containsExactly(new FactLogs.Used(TOKEN, VerifyFactsTest.PAYER, VerifyFactsTest.NONCE),
        new FactLogs.Moved(TOKEN, VerifyFactsTest.PAYER, VerifyFactsTest.OTHER, BigInteger.valueOf(5)));
  }

  @Test
  void anythingOddIsAnError() {
    Set<String> tokens = Set.of(TOKEN);
    assertThatThrownBy(() -> FactLogs.parse(new JsonArray().add(transfer(7, HASH_7, 0).put("removed", true)), 7, 7, HASH_7, tokens))
        .isInstanceOf(ChainDataException.class);
    assertThatThrownBy(() -> FactLogs.parse(new JsonArray().add(transfer(7, HASH_7, 0)
        .put("address", "0x00000000000000000000000000000000000000ff")), 7, 7, HASH_7, tokens)).isInstanceOf(ChainDataException.class);
    assertThatThrownBy(() -> FactLogs.parse(new JsonArray().add(transfer(8, HASH_7, 0)), 6, 7, HASH_7, tokens))
        .isInstanceOf(ChainDataException.class);
    assertThatThrownBy(() -> FactLogs.parse(new JsonArray().add(transfer(7, "0x" + "17".repeat(32), 0)), 6, 7, HASH_7, tokens))
        .isInstanceOf(ChainDataException.class);
    JsonObject nft = transfer(7, HASH_7, 0);
    nft.getJsonArray("topics").add(FakeFactsChain.word(VerifyFactsTest.PAYER));
    assertThatThrownBy(() -> FactLogs.parse(new JsonArray().add(nft), 7, 7, HASH_7, tokens)).isInstanceOf(ChainDataException.class);
    assertThatThrownBy(() -> FactLogs.parse(null, 7, 7, HASH_7, tokens)).isInstanceOf(ChainDataException.class);
  }
}
