/**
 * Chain access, and nothing about payments: a non-blocking Ethereum JSON-RPC client that batches
 * calls and fails over between a chain's endpoints ({@link io.tollgate.chain.JsonRpcClient} behind
 * {@link io.tollgate.chain.EthRpc}), the chain and token registry, the optional
 * {@code eth_subscribe newHeads} WebSocket subscription, each chain's finality settings
 * ({@link io.tollgate.chain.ChainFinality}: the reorg sweep's depth, the second-provider check),
 * and the chain facts every other package
 * reads: strict hex ({@link io.tollgate.chain.Hex}), a node's broken answer
 * ({@link io.tollgate.chain.ChainDataException}) and how value moves ({@link io.tollgate.chain.AssetKind}).
 * Depends on nothing of ours but {@code config}.
 *
 * <p>Failover covers providers that throttle or lie inside HTTP 200 ({@code ProviderFaults}, heads
 * far below another provider's), counted per provider ({@link io.tollgate.chain.JsonRpcClient#providerStats}).
 *
 * <p>Public face (16 of 17 types, each used from another package): {@link
 * io.tollgate.chain.AssetKind}, {@link io.tollgate.chain.ChainConfig}, {@link io.tollgate.chain.ChainFinality}, {@link
 * io.tollgate.chain.ChainDataException}, {@link io.tollgate.chain.ChainRegistry}, {@link
 * io.tollgate.chain.EthRpc}, {@link io.tollgate.chain.HeadListener}, {@link io.tollgate.chain.Hex},
 * {@link io.tollgate.chain.JsonRpcClient}, {@link io.tollgate.chain.KnownTokens}, {@link
 * io.tollgate.chain.NewHeadsSubscription}, {@link io.tollgate.chain.RpcException}, {@link
 * io.tollgate.chain.RpcRequest}, {@link io.tollgate.chain.RpcResponse}, {@link
 * io.tollgate.chain.RpcUnavailableException}, {@link io.tollgate.chain.TokenConfig}.
 */
package io.tollgate.chain;
