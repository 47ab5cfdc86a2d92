package io.tollgate.watch;

import io.tollgate.chain.ChainDataException;
import io.tollgate.chain.RpcRequest;
import io.tollgate.chain.RpcResponse;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The calls of one JSON-RPC batch. Adding a call returns the {@link Slot} through which its answer
 * is read back, so no rule has to know where in the batch its call landed: a new kind of evidence
 * is one more {@link #ask} and one more rule reading its slot. No I/O here; the driver sends
 * {@link #calls()} and hands the responses back through {@link #answered}.
 */
final class RoundPlan {
  private final List<RpcRequest> calls = new ArrayList<>();

  /** A call's place in the batch, known only to the plan that made it. */
  static final class Slot {
    private final RoundPlan plan;
    private final int position;

    private Slot(RoundPlan plan, int position) {
      this.plan = plan;
      this.position = position;
    }
  }

  /** The responses of a sent plan, read by the slots the plan handed out. */
  static final class Answers {
    private final RoundPlan plan;
    private final List<RpcResponse> responses;

    private Answers(RoundPlan plan, List<RpcResponse> responses) {
      this.plan = plan;
      this.responses = responses;
    }

    RpcResponse of(Slot slot) {
      // A slot of another batch would silently read a stranger's answer.
      if (slot.plan != plan) throw new IllegalArgumentException("slot of another round plan");
      return responses.get(slot.position);
    }
  }

  Slot ask(RpcRequest call) {
    calls.add(call);
    return new Slot(this, calls.size() - 1);
  }

  List<RpcRequest> calls() {
    return Collections.unmodifiableList(calls);
  }

  boolean isEmpty() {
    return calls.isEmpty();
  }

  int size() {
    return calls.size();
  }

  /**
   * @throws ChainDataException when a different number of calls was answered: nothing of such a
   *     batch can be matched to its calls, so the round is skipped like any other nonsense
   */
  Answers answered(List<RpcResponse> responses) {
    if (responses.size() != calls.size()) {
      throw new ChainDataException(responses.size() + " answers to " + calls.size() + " calls");
    }
    return new Answers(this, responses);
  }
}
