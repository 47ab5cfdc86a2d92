package io.tollgate.relay;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The facts the relayer keeps of a mined relay's transaction, read from its logs. */
class MinedLogsTest {
  private static final String TOKEN = "0xcccccccccccccccccccccccccccccccccccccccc";
  private static final String OTHER_TOKEN = "0xeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee";
  private static final String PAYER = "0xaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
  private static final String PAY_TO = "0xbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
  private static final String NONCE = "0x" + "01".repeat(32);

  @Test
  void aReceiptsLogsGiveTheTokensTransfersFromTheAuthorizerAndItsAuthorizationUsed() {
    JsonObject receipt = new JsonObject().put("status", "0x1").put("logs", new JsonArray()
        .add(log(TOKEN, Settlement.AUTHORIZATION_USED, topic(PAYER), NONCE, "0x"))
        .add(log(TOKEN, MinedLogs.TRANSFER, topic(PAYER), topic(PAY_TO), word(990_000)))
        .add(log(TOKEN, MinedLogs.TRANSFER, topic(PAYER), topic("0x000000000000000000000000000000000000fee0"), word(10_000)))
        // not the token's, or not from the payer: not facts about this authorization's transfer
        .add(log(OTHER_TOKEN, MinedLogs.TRANSFER, topic(PAYER), topic(PAY_TO), word(1_000_000)))
        .add(log(TOKEN, MinedLogs.TRANSFER, topic(PAY_TO), topic(PAYER), word(5))));
    MinedLogs logs = MinedLogs.ofReceipt(receipt, TOKEN, PAYER, NONCE);
    assertThat(logs.authorizationUsed()).isTrue();
    assertThat(logs.transfers()).containsExactly(new MinedLogs.TokenTransfer(PAYER, PAY_TO, BigInteger.valueOf(990_000)),
        new MinedLogs.TokenTransfer(PAYER, "0x000000000000000000000000000000000000fee0", BigInteger.valueOf(10_000)));
    assertThat(logs.transferred(PAYER, PAY_TO, BigInteger.valueOf(1_000_000))).isFalse();
    assertThat(logs.transferred(PAYER.toUpperCase().replace("0X", "0x"), PAY_TO, BigInteger.valueOf(990_000))).isTrue();
    assertThat(MinedLogs.fromJson(logs.toJson())).isEqualTo(logs);
  }

  @Test
  void anotherNoncesAuthorizationUsedIsNotThisOnes() {
    JsonObject receipt = new JsonObject().put("logs", new JsonArray()
        .add(log(TOKEN, Settlement.AUTHORIZATION_USED, topic(PAYER), "0x" + "02".repeat(32), "0x")));
    assertThat(MinedLogs.ofReceipt(receipt, TOKEN, PAYER, NONCE)).isEqualTo(new MinedLogs(false, List.of()));
  }

  private static JsonObject log(String address, String... topicsAndData) {
    JsonArray topics = new JsonArray();
    for (int i = 0; i < topicsAndData.length - 1; i++) topics.add(topicsAndData[i]);
    return new JsonObject().put("address", address).put("topics", topics).put("data", topicsAndData[topicsAndData.length - 1]);
  }

  private static String topic(String address) {
    return "0x000000000000000000000000" + address.substring(2);
  }

  private static String word(long value) {
    return "0x" + String.format("%064x", value);
  }
}
