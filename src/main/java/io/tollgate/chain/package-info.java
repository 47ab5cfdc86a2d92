/**
 * The chain side of payment verification: a non-blocking Ethereum JSON-RPC client that batches
 * calls and fails over between a chain's endpoints, and the chain watcher that, once per new head,
 * checks every active payment of its chain in as few batched calls as possible and reports the
 * verdicts of the pure rules in {@code io.tollgate.payment}. RPC failures never become rejections:
 * they skip a round, which the next head retries.
 */
package io.tollgate.chain;
