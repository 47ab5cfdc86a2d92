/**
 * The chain watcher: once per new head it checks every active payment of its chain in as few
 * batched JSON-RPC calls as possible and reports the verdicts of the pure rules in
 * {@code io.tollgate.payment}. It learns of new heads from the optional {@code newHeads}
 * subscription ({@code io.tollgate.chain}) and from an {@code eth_blockNumber} poll, which runs
 * slowly while the subscription is live. RPC failures never become rejections: they skip a round,
 * which the next head retries.
 *
 * <p>The watcher in parts: {@link io.tollgate.watch.FirstRoundPlan} and
 * {@link io.tollgate.watch.SecondRoundPlan} say which calls a round asks (each answer read through
 * the {@link io.tollgate.watch.RoundPlan.Slot} its call was added with);
 * {@link io.tollgate.watch.RoundJudge} turns the answers into verdicts; {@link
 * io.tollgate.watch.ChainWatcher} sends the batches and the verdicts; {@link
 * io.tollgate.watch.WatchSchedule} decides when rounds run, and {@link
 * io.tollgate.watch.ChainWatcherVerticle} adapts it to Vert.x. A new kind of evidence is a plan
 * entry and a judge rule. Full rounds also carry the finality re-check of confirmed payments deep
 * enough ({@link io.tollgate.watch.FinalityChecks}: one receipt each in round 1's batch). Depends on
 * {@code chain} and {@code payment}.
 *
 * <p>Public face (2 of 20 types; everything else is package-private): {@link
 * io.tollgate.watch.ChainWatcher}, {@link io.tollgate.watch.ChainWatcherVerticle}.
 */
package io.tollgate.watch;
