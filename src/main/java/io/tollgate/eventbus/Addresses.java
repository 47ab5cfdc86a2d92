package io.tollgate.eventbus;

/**
 * Every event-bus address, so a typo is a compile error and the message graph can be read in one
 * place. Each constant names the request record it carries and the reply it expects.
 */
public final class Addresses {
  /**
   * Rate-limit decisions: {@code RateLimitRequest} in, {@code RateLimitDecision} out; a failure
   * code of 400 means the request was invalid, 503 that no decision could be made
   * ({@code RateLimitVerticle.INVALID_REQUEST}, {@code UNAVAILABLE}).
   */
  public static final String RATELIMIT_ACQUIRE = "tollgate.ratelimit.acquire";

  /** A buyer's transaction hash: {@code PaymentSubmission} in, {@code CheckoutStatus} out. */
  public static final String PAYMENT_SUBMIT = "tollgate.payments.submit";

  /**
   * A chain watcher's verdicts of one round: {@code VerdictBatch} in, null out once all are
   * recorded (a failure names how many were not; the watcher reports those again later).
   */
  public static final String PAYMENT_VERDICTS = "tollgate.payments.verdicts";

  /**
   * Published, local to this instance: a checkout's payment was submitted ({@code PaymentSubmitted},
   * from every instance's status feed, so whichever instance leads the chain hears of it); the
   * chain's watcher, where this instance leads it, runs a catch-up round soon. No reply.
   */
  public static final String PAYMENT_SUBMITTED = "tollgate.payments.submitted";

  /**
   * Published, local to this instance: this instance gained or lost the lead of a leader-only work
   * ({@code LeadershipChanged}, from {@code LeaderOnlyVerticle}). No reply.
   */
  public static final String LEADERSHIP_CHANGED = "tollgate.leadership.changed";

  /**
   * Published, local to this instance (the chain's relay leader): a gasless relay's transaction was
   * broadcast (again with a new hash after each fee bump), mined, or the relay failed
   * ({@code RelayChanged}). No reply.
   */
  public static final String RELAY_CHANGED = "tollgate.relay.changed";

  private Addresses() {}
}
