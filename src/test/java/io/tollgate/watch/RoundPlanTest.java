package io.tollgate.watch;

import io.tollgate.chain.ChainDataException;
import io.tollgate.chain.RpcRequest;
import io.tollgate.chain.RpcResponse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tollgate.watch.RoundPlan.Answers;
import io.tollgate.watch.RoundPlan.Slot;
import java.util.List;
import org.junit.jupiter.api.Test;

class RoundPlanTest {

  @Test
  void shouldReadEachAnswerThroughTheSlotItsCallWasAskedWith() {
    RoundPlan plan = new RoundPlan();
    Slot header = plan.ask(RpcRequest.of("eth_getBlockByNumber", "0x65", false));
    Slot receipt = plan.ask(RpcRequest.of("eth_getTransactionReceipt", "0xabc"));

    Answers answers = plan.answered(List.of(RpcResponse.ok("header"), RpcResponse.ok("receipt")));

    assertThat(plan.calls()).extracting(RpcRequest::method)
        .containsExactly("eth_getBlockByNumber", "eth_getTransactionReceipt");
    assertThat(answers.of(receipt).result()).isEqualTo("receipt");
    assertThat(answers.of(header).result()).isEqualTo("header");
  }

  @Test
  void shouldRefuseToReadOnePlansAnswerWithAnotherPlansSlot() {
    RoundPlan first = new RoundPlan();
    Slot foreign = first.ask(RpcRequest.of("eth_getTransactionReceipt", "0xabc"));
    RoundPlan second = new RoundPlan();
    second.ask(RpcRequest.of("eth_getTransactionReceipt", "0xdef"));

    Answers answers = second.answered(List.of(RpcResponse.ok(null)));

    assertThatThrownBy(() -> answers.of(foreign)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void shouldTreatADifferentNumberOfAnswersAsNonsenseFromTheNode() {
    RoundPlan plan = new RoundPlan();
    plan.ask(RpcRequest.of("eth_getTransactionReceipt", "0xabc"));

    assertThatThrownBy(() -> plan.answered(List.of())).isInstanceOf(ChainDataException.class);
  }

  @Test
  void shouldNotLetTheSenderChangeItsCalls() {
    RoundPlan plan = new RoundPlan();
    plan.ask(RpcRequest.of("eth_getTransactionReceipt", "0xabc"));

    assertThatThrownBy(() -> plan.calls().clear()).isInstanceOf(UnsupportedOperationException.class);
    assertThat(plan.size()).isEqualTo(1);
  }
}
