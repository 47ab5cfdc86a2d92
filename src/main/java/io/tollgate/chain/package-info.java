/**
 * Chain access, and nothing about payments: a non-blocking Ethereum JSON-RPC client that batches
 * calls and fails over between a chain's endpoints ({@link io.tollgate.chain.JsonRpcClient} behind
 * {@link io.tollgate.chain.EthRpc}), the chain and token registry, the optional
 * {@code eth_subscribe newHeads} WebSocket subscription, and the chain facts every other package
 * reads: strict hex ({@link io.tollgate.chain.Hex}), a node's broken answer
 * ({@link io.tollgate.chain.ChainDataException}) and how value moves ({@link io.tollgate.chain.AssetKind}).
 * Depends on nothing of ours but {@code config}.
 */
package io.tollgate.chain;
