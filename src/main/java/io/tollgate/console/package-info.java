/**
 * What the operator console (issue 20) reads that the shop's own calls do not already answer: a
 * checkout's audit trail, the owner of any checkout for the operator's reads, the live figures of
 * a drop, and the relayers' funds with their unsettled transactions. Read-only, bounded queries;
 * the console's actions (refunds, recovery, resend) stay the shop's and the webhooks' own calls.
 *
 * <p>Public face: {@link io.tollgate.console.ConsoleViews} (built by the composition root, used by
 * the HTTP adapter) over {@link io.tollgate.console.CheckoutOwners}, {@link
 * io.tollgate.console.AuditTrail}, {@link io.tollgate.console.DropFigures} and {@link
 * io.tollgate.console.RelayerView}. Depends on {@code api}, {@code merchant} (the {@code Merchant}
 * a read is scoped to) and {@code relay} (funds and open relays); never on HTTP.
 */
package io.tollgate.console;
