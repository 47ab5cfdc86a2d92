/**
 * The event bus as Tollgate uses it: every address in one place ({@link io.tollgate.eventbus.Addresses})
 * and a pass-through codec so immutable records travel between verticles of one JVM without being
 * serialised ({@link io.tollgate.eventbus.Codecs}).
 */
package io.tollgate.eventbus;
