/**
 * The event bus as Tollgate uses it: every address in one place ({@link io.tollgate.eventbus.Addresses})
 * and a pass-through codec so immutable records travel between verticles of one JVM without being
 * serialised ({@link io.tollgate.eventbus.Codecs}); request/reply with typed failures, carrying the
 * HTTP request's id to the consumer's log lines ({@link io.tollgate.eventbus.Replies}). Depends on
 * {@code api} and {@code telemetry}.
 *
 * <p>Public face (3 of 4 types; everything else is package-private): {@link
 * io.tollgate.eventbus.Addresses}, {@link io.tollgate.eventbus.Codecs}, {@link
 * io.tollgate.eventbus.Replies}.
 */
package io.tollgate.eventbus;
