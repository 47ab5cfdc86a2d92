package io.tollgate.gasless;

import io.tollgate.chain.EthRpc;
import io.tollgate.chain.Hex;
import io.vertx.core.Future;
import java.math.BigInteger;

/**
 * What the chain says of one EIP-3009 authorization's token and payer, read in ONE {@code eth_call}
 * (the deployless {@code GaslessFacts} helper, as the gasless intake reads them) for callers outside
 * this package that judge authorizations themselves (the x402 facilitator). Every fact is reported
 * as read, including the ones the gasless intake treats as failures, so the caller can name them.
 *
 * @param stateReadable {@code authorizationState(from, nonce)} answered one word (false: not an EIP-3009 token)
 * @param nonceUsed the token has used (or cancelled) this nonce
 * @param balanceReadable {@code balanceOf(from)} answered one word
 * @param balance the payer's balance, base units (zero when unreadable)
 * @param payerCodeSize bytes of code at the payer (0: an account without code, which signs with its key)
 * @param tokenCodeSize bytes of code at the token (0: nothing deployed there)
 */
public record Eip3009Facts(boolean stateReadable, boolean nonceUsed, boolean balanceReadable, BigInteger balance,
    long payerCodeSize, long tokenCodeSize) {

  /** Reads the facts at the latest block; fails {@code service_unavailable} when the chain cannot be asked or answers nonsense. */
  public static Future<Eip3009Facts> read(EthRpc chain, String token, String from, String nonce) {
    return read(chain, token, from, nonce, "latest");
  }

  /**
   * The same facts at one block: {@code block} is "latest" or a block number as a hex quantity
   * ({@code 0x1b4}), so a caller that follows the chain's logs from that block on knows exactly
   * which changes the answer already holds.
   */
  public static Future<Eip3009Facts> read(EthRpc chain, String token, String from, String nonce, String block) {
    return ChainFacts.readRaw(chain, token, from, nonce, block).map(Eip3009Facts::decode);
  }

  static Eip3009Facts decode(Object answer) {
    byte[] bytes = answer instanceof String hex ? Hex.decodeOrNull(hex) : null;
    if (bytes == null || bytes.length < 8 * 32) { // six words, then the payer's code (its offset, length, bytes)
      throw new io.tollgate.api.ApiException(io.tollgate.api.ErrorCode.UNAVAILABLE,
          "the token's state could not be read: the helper answered " + answer);
    }
    return new Eip3009Facts(ChainFacts.word(bytes, 0).signum() != 0, ChainFacts.word(bytes, 1).signum() != 0,
        ChainFacts.word(bytes, 2).signum() != 0, ChainFacts.word(bytes, 3), ChainFacts.word(bytes, 4).longValueExact(),
        ChainFacts.word(bytes, 5).longValueExact());
  }

  /**
   * The exact {@code transferWithAuthorization} call a relayer sends: the {@code (v, r, s)} overload
   * for a 65-byte key signature (v 0/1 turned into 27/28), the {@code bytes} overload otherwise
   * (the caller removes an ERC-6492 wrapper first).
   */
  public static byte[] transferCall(TransferAuthorization authorization, byte[] signature, boolean keySignature) {
    return ChainFacts.transferCall(authorization, signature, keySignature);
  }
}
