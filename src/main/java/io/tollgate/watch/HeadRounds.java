package io.tollgate.watch;

import io.vertx.core.Future;

/**
 * The rounds a {@link WatchSchedule} asks for; {@link ChainWatcher} runs them. Each future fails
 * only on errors other than the node's (those skip the round); rounds never overlap, so asking
 * during a round folds into one round after it.
 */
interface HeadRounds {
  long chainId();

  /** Asks the head number and runs its round if it is new (or a catch-up if a payment was submitted). */
  Future<Void> poll();

  /** Runs the round of a head a subscription announced, without asking the head number. */
  Future<Void> headAnnounced(long head);

  /** Runs the catch-up round on the last processed head, without asking the head number. */
  Future<Void> catchUp();

  /** The last head fully processed, or -1. */
  long lastHead();
}
