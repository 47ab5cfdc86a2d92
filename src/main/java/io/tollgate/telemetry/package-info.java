/**
 * What operators see of a running instance, shared by every capability: the business-event log
 * ({@link io.tollgate.telemetry.EventLog}: one line per checkout, payment, webhook, inbound event,
 * relay change and x402 settlement outcome, ids as fields, never a secret), the request id of the HTTP request a line was written for
 * ({@link io.tollgate.telemetry.RequestIds}), the log formats (JSON lines or text, chosen by
 * {@code TOLLGATE_LOG_FORMAT}) and the quiet stop ({@link io.tollgate.telemetry.Shutdown}).
 * Depends on nothing of ours.
 *
 * <p>Public face: {@code EventLog}, {@code RequestIds}, {@code Shutdown}, and the logback plug-ins
 * {@code LogEncoder}, {@code RequestIdConverter}, {@code RequestIdJsonProvider}.
 */
package io.tollgate.telemetry;
