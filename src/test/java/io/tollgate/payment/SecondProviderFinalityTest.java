package io.tollgate.payment;

import static io.tollgate.testing.Async.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.chain.AssetKind;
import io.tollgate.chain.EthRpc;
import io.tollgate.chain.Hex;
import io.tollgate.chain.RpcRequest;
import io.tollgate.chain.RpcResponse;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The finality re-check's verdicts pass the second-provider check only when two providers agree
 * with them: one flaky provider can neither make a payment final nor reverse it.
 */
class SecondProviderFinalityTest {
  private static final String RECORDED = "0x" + "aa".repeat(32);
  private static final String OTHER = "0x" + "bb".repeat(32);
  private static final long HEIGHT = 100;

  /** A provider whose canonical block at {@link #HEIGHT} has {@code hash} (null: it has none). */
  private record Provider(String hash) implements EthRpc {
    @Override public long chainId() { return 1; }

    @Override public Future<Object> call(String method, JsonArray params) { throw new UnsupportedOperationException(); }

    @Override public Future<List<RpcResponse>> batch(List<RpcRequest> requests) {
      List<RpcResponse> answers = new ArrayList<>();
      for (RpcRequest r : requests) {
        boolean at = Hex.longQuantity(r.params().getString(0)) == HEIGHT;
        answers.add(RpcResponse.ok(at && hash != null ? new JsonObject().put("hash", hash).put("number", Hex.quantity(HEIGHT)) : null));
      }
      return Future.succeededFuture(answers);
    }
  }

  private static ActivePayment confirmed() {
    PaymentExpectation expectation = new PaymentExpectation(1, AssetKind.NATIVE, null, "0x" + "11".repeat(20),
        BigInteger.TEN, null, Instant.EPOCH, Instant.now().plusSeconds(600), 1);
    return ActivePayment.unmined(7, UUID.randomUUID(), "0x" + "cc".repeat(32), expectation)
        .withMined(new Verdict.Paying(HEIGHT, RECORDED, Instant.now(), "0x" + "22".repeat(20), BigInteger.TEN, 12, false));
  }

  private static boolean passes(Verdict verdict, String first, String second) {
    SecondProviderCheck check = new SecondProviderCheck(Map.of(1L, List.of(new Provider(first), new Provider(second))));
    List<VerdictMessage> out = await(check.reviewAll(List.of(new VerdictMessage(confirmed(), verdict, HEIGHT + 12))));
    return !out.isEmpty();
  }

  @Test
  void shouldMakeFinalOnlyWhenTwoProvidersShowTheRecordedBlock() {
    Verdict fin = new Verdict.Final(RECORDED);
    assertThat(passes(fin, RECORDED, RECORDED)).isTrue();
    assertThat(passes(fin, RECORDED, OTHER)).as("the second provider shows another block").isFalse();
    assertThat(passes(fin, RECORDED, null)).as("the second provider is behind").isFalse();
  }

  @Test
  void shouldReverseOnlyWhenTwoProvidersShowAnotherBlockAtTheRecordedHeight() {
    Verdict vanished = new Verdict.Vanished("no receipt");
    assertThat(passes(vanished, OTHER, OTHER)).isTrue();
    assertThat(passes(vanished, OTHER, RECORDED)).as("one provider still has the recorded block").isFalse();
    assertThat(passes(vanished, null, null)).as("providers that know nothing prove nothing").isFalse();
    Verdict reversed = new Verdict.Reversed(RejectionReason.TX_REVERTED, "mined again, reverted");
    assertThat(passes(reversed, OTHER, OTHER)).isTrue();
    assertThat(passes(reversed, RECORDED, OTHER)).isFalse();
  }

  @Test
  void shouldMoveAPaymentToANewBlockOnlyWhenTwoProvidersShowIt() {
    Verdict remined = new Verdict.Remined(new Verdict.Paying(HEIGHT, OTHER, Instant.now(), "0x" + "22".repeat(20),
        BigInteger.TEN, 12, true));
    assertThat(passes(remined, OTHER, OTHER)).isTrue();
    assertThat(passes(remined, OTHER, RECORDED)).isFalse();
  }

  @Test
  void shouldLetEverythingThroughWithOneProvider() {
    SecondProviderCheck check = new SecondProviderCheck(Map.of(1L, List.of(new Provider(OTHER))));
    assertThat(await(check.reviewAll(List.of(new VerdictMessage(confirmed(), new Verdict.Final(RECORDED), HEIGHT)))))
        .hasSize(1);
  }
}
