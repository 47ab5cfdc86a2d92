/**
 * The fault suite ({@code scripts/faults}, not part of {@code mvn test}): a whole deployment on
 * loopback (its own PostgreSQL, Redis, anvil, a chaos JSON-RPC proxy in front of anvil, and
 * Tollgate from {@code target/tollgate.jar}) driven by real buyers while one fault at a time is
 * applied, with a tally per scenario of what buyers, shops and the ledger saw.
 *
 * <ul>
 *   <li>{@link io.tollgate.faults.FaultSuite}: the entry point and the scenarios.
 *   <li>{@link io.tollgate.faults.Deployment}: starts and stops the processes, and breaks them.
 *   <li>{@link io.tollgate.faults.ChaosRpcProxy}: the provider failing in chosen ways.
 *   <li>{@link io.tollgate.faults.Buyers} and {@link io.tollgate.faults.ShopClient}: payments in flight.
 *   <li>{@link io.tollgate.faults.WebhookSink}: a shop's receiver and a tarpit endpoint.
 *   <li>{@link io.tollgate.faults.Tally}: the figures of one scenario.
 * </ul>
 */
package io.tollgate.faults;
