package io.tollgate.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.loadtest.ConfirmationSplit.Exchange;
import io.tollgate.loadtest.ConfirmationSplit.Paid;
import io.tollgate.loadtest.ConfirmationSplit.Parts;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The drop's split of the confirmation delay into the chain node's part and Tollgate's own. */
class ConfirmationSplitTest {
  private static final long MS = 1_000_000; // nanoseconds

  private static Exchange exchange(long firstId, long lastId, long sentMs, long answeredMs, Set<String> txs, Set<Long> logBlocks) {
    return new Exchange((int) (lastId - firstId + 1), firstId, lastId, sentMs * MS, answeredMs * MS, txs, logBlocks);
  }

  @Test
  void splitsADelayAtTheBatchThatDecidedThePaymentSoThePartsAddUp() {
    // catch-up before mining asked in vain at 100-105 ms; the block (seen at 1,000 ms) is asked at 1,010, answered at 1,040
    List<Exchange> exchanges = List.of(
        exchange(1, 1, 100, 105, Set.of("0xaa"), Set.of()),
        exchange(2, 3, 1_010, 1_040, Set.of("0xaa", "0xbb"), Set.of()));
    ConfirmationSplit.Result result = ConfirmationSplit.split(List.of(new Paid("0xAA", 7, 1_000 * MS, 1_100 * MS)), exchanges);

    assertThat(result.unattributed()).isZero();
    assertThat(result.parts()).containsExactly(new Parts(10_000, 30_000, 60_000));
    assertThat(result.parts().get(0).total()).isEqualTo(100_000);
  }

  @Test
  void chunksOfOneBatchCountTogetherUntilTheLastAnswerButARoundsSecondBatchStandsAlone() {
    // one batch in two chunks (ids 10-109 and 110-179, in flight together), then round 2 (ids 180-181) after both answered
    Exchange first = exchange(10, 109, 1_010, 1_030, Set.of("0xaa"), Set.of());
    Exchange second = exchange(110, 179, 1_011, 1_050, Set.of("0xbb"), Set.of());
    Exchange round2 = exchange(180, 181, 1_060, 1_070, Set.of("0xcc"), Set.of());
    ConfirmationSplit.Result result = ConfirmationSplit.split(List.of(
        new Paid("0xaa", 7, 1_000 * MS, 1_090 * MS),
        new Paid("0xcc", 7, 1_000 * MS, 1_095 * MS)), List.of(round2, second, first));

    // 0xaa waits for the whole batch (its own chunk was answered at 1,030, the batch at 1,050)
    assertThat(result.parts().get(0)).isEqualTo(new Parts(10_000, 40_000, 40_000));
    // 0xcc was decided by round 2: round 1 lies before its batch
    assertThat(result.parts().get(1)).isEqualTo(new Parts(60_000, 10_000, 25_000));
  }

  @Test
  void anErc20PaymentIsDecidedByItsBlocksLogsAndALaterAskIsIgnored() {
    List<Exchange> exchanges = List.of(
        exchange(1, 1, 500, 502, Set.of("0xdd"), Set.of()), // its catch-up receipt, before mining
        exchange(2, 3, 1_005, 1_025, Set.of(), Set.of(7L)), // the head's header and Transfer logs of block 7
        exchange(4, 4, 3_005, 3_010, Set.of("0xdd"), Set.of())); // asked again after publication: not the decider
    ConfirmationSplit.Result result = ConfirmationSplit.split(List.of(
        new Paid("0xdd", 7, 1_000 * MS, 1_080 * MS),
        new Paid("0xee", 8, 3_000 * MS, 3_050 * MS)), exchanges);

    assertThat(result.parts()).containsExactly(new Parts(5_000, 20_000, 55_000));
    assertThat(result.unattributed()).isEqualTo(1); // 0xee: nothing asked about it
  }

  @Test
  void percentilesAreNearestRank() {
    long[] values = new long[100];
    for (int i = 0; i < 100; i++) values[i] = 100 - i; // 100 .. 1, unsorted
    assertThat(ConfirmationSplit.percentile(values, 50)).isEqualTo(50);
    assertThat(ConfirmationSplit.percentile(values, 99)).isEqualTo(99);
    assertThat(ConfirmationSplit.percentile(values, 100)).isEqualTo(100);
    assertThat(ConfirmationSplit.percentile(new long[] {7}, 99)).isEqualTo(7);
    assertThat(ConfirmationSplit.percentile(new long[0], 99)).isEqualTo(-1);
    assertThat(ConfirmationSplit.p50p99(new long[] {1_000, 2_000, 150_000})).isEqualTo("p50 2.0 ms, p99 150.0 ms, max 150.0 ms");
  }

  @Test
  void theProxyReadsIdsHashesAndLogBlocksFromABatch() {
    JsonArray batch = new JsonArray()
        .add(call(41, "eth_getBlockByNumber", new JsonArray().add("0x7").add(false)))
        .add(call(42, "eth_getTransactionReceipt", new JsonArray().add("0xAbC")))
        .add(call(43, "eth_getTransactionByHash", new JsonArray().add("0xdef")))
        .add(call(44, "eth_getLogs", new JsonArray().add(new JsonObject().put("fromBlock", "0x1f").put("toBlock", "0x1f"))));
    Exchange e = CountingRpcProxy.exchange(4, batch, 5, 9);

    assertThat(e).isEqualTo(new Exchange(4, 41, 44, 5, 9, Set.of("0xabc", "0xdef"), Set.of(31L)));
  }

  private static JsonObject call(long id, String method, JsonArray params) {
    return new JsonObject().put("jsonrpc", "2.0").put("id", id).put("method", method).put("params", params);
  }
}
