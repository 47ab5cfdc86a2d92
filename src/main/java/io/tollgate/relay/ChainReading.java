package io.tollgate.relay;

import io.tollgate.chain.EthRpc;
import io.tollgate.chain.Hex;
import io.tollgate.chain.RpcRequest;
import io.tollgate.chain.RpcResponse;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.time.Instant;
import java.util.List;

/**
 * What the relay leader reads from the chain at the start of a round, in one JSON-RPC batch: the
 * latest block's time, the key's mined and pending nonce counts, the fee quote, the key's balance.
 * The block is asked first so the nonce count is from that block or a later one: a relay whose nonce
 * is still unused then was not mined in a block older than {@link #blockTime}. {@code fresh} says
 * whether the fee quote and balance were read in this batch (or reused from a recent one).
 */
record ChainReading(long blockNumber, Instant blockTime, long minedNonce, long pendingNonce, Fees quote, BigInteger balance,
    boolean fresh) {

  /**
   * The block and nonce counts, with {@code funds}' fee quote and balance when given (read within
   * the capacity cache's time: three calls instead of six), else read with them.
   */
  static Future<ChainReading> read(EthRpc rpc, String relayer, ChainReading funds) {
    if (funds == null) return read(rpc, relayer);
    return rpc.batch(List.of(
            RpcRequest.of("eth_getBlockByNumber", "latest", false),
            RpcRequest.of("eth_getTransactionCount", relayer, "latest"),
            RpcRequest.of("eth_getTransactionCount", relayer, "pending")))
        .map(r -> new ChainReading(number(r.get(0)), time(r.get(0)),
            Hex.longQuantity((String) result(r.get(1))), Hex.longQuantity((String) result(r.get(2))),
            funds.quote(), funds.balance(), false));
  }

  static Future<ChainReading> read(EthRpc rpc, String relayer) {
    return rpc.batch(List.of(
            RpcRequest.of("eth_getBlockByNumber", "latest", false),
            RpcRequest.of("eth_getTransactionCount", relayer, "latest"),
            RpcRequest.of("eth_getTransactionCount", relayer, "pending"),
            RpcRequest.of("eth_gasPrice"),
            RpcRequest.of("eth_maxPriorityFeePerGas"),
            RpcRequest.of("eth_getBalance", relayer, "latest")))
        .map(r -> new ChainReading(number(r.get(0)), time(r.get(0)),
            Hex.longQuantity((String) result(r.get(1))), Hex.longQuantity((String) result(r.get(2))),
            Fees.quote(Hex.quantity((String) result(r.get(3))), Hex.quantity((String) result(r.get(4)))),
            Hex.quantity((String) result(r.get(5))), true));
  }

  /** Balance and fees only: what refusing an order needs. */
  static Future<ChainReading> readFunds(EthRpc rpc, String relayer) {
    return rpc.batch(List.of(
            RpcRequest.of("eth_gasPrice"),
            RpcRequest.of("eth_maxPriorityFeePerGas"),
            RpcRequest.of("eth_getBalance", relayer, "latest")))
        .map(r -> new ChainReading(-1, null, -1, -1,
            Fees.quote(Hex.quantity((String) result(r.get(0))), Hex.quantity((String) result(r.get(1)))),
            Hex.quantity((String) result(r.get(2))), true));
  }

  private static long number(RpcResponse header) {
    return Hex.longQuantity(Hex.member((JsonObject) result(header), "number"));
  }

  private static Instant time(RpcResponse header) {
    return Instant.ofEpochSecond(Hex.longQuantity(Hex.member((JsonObject) result(header), "timestamp")));
  }

  private static Object result(RpcResponse response) {
    if (response.isError()) throw response.error();
    if (response.result() == null) throw new io.tollgate.chain.ChainDataException("null answer");
    return response.result();
  }
}
