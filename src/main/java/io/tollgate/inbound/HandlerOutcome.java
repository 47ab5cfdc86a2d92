package io.tollgate.inbound;

/**
 * How a handler finished. A failure is not an outcome: the handler's future fails, the intake
 * captures the stack trace against the stored event, and an admin can retry it.
 */
sealed interface HandlerOutcome {

  /** The event changed Tollgate's state. */
  record Applied(String summary) implements HandlerOutcome {}

  /** Acknowledged with nothing to do: an unknown kind, or a state already reached. */
  record Ignored(String reason) implements HandlerOutcome {}

  /** The event matched no checkout. It stays stored and is reported, never dropped. */
  record Unmatched(String reason) implements HandlerOutcome {}
}
