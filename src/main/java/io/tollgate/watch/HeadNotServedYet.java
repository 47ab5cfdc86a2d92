package io.tollgate.watch;

import io.tollgate.chain.ChainDataException;


/** An announced head the HTTP endpoint does not serve yet (it lags the node that announced it). */
final class HeadNotServedYet extends ChainDataException {
  private final long head;

  HeadNotServedYet(long head) {
    super("node does not serve head block " + head + " yet");
    this.head = head;
  }

  long head() { return head; }
}
