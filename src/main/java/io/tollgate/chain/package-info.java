/**
 * The chain side of payment verification: a non-blocking Ethereum JSON-RPC client that batches
 * calls and fails over between a chain's endpoints, and the chain watcher that, once per new head,
 * checks every active payment of its chain in as few batched calls as possible and reports the
 * verdicts of the pure rules in {@code io.tollgate.payment}. The watcher learns of new heads from
 * an optional {@code eth_subscribe newHeads} WebSocket subscription and from an
 * {@code eth_blockNumber} poll, which runs slowly while the subscription is live. RPC failures
 * never become rejections: they skip a round, which the next head retries.
 *
 * <p>The watcher in parts: {@link io.tollgate.chain.FirstRoundPlan} and
 * {@link io.tollgate.chain.SecondRoundPlan} say which calls a round asks (each answer read through
 * the {@link io.tollgate.chain.RoundPlan.Slot} its call was added with);
 * {@link io.tollgate.chain.RoundJudge} turns the answers into verdicts; {@link
 * io.tollgate.chain.ChainWatcher} sends the batches and the verdicts; {@link
 * io.tollgate.chain.WatchSchedule} decides when rounds run, and {@link
 * io.tollgate.chain.ChainWatcherVerticle} adapts it to Vert.x. A new kind of evidence is a plan
 * entry and a judge rule.
 */
package io.tollgate.chain;
