package io.tollgate.relay;

import io.tollgate.chain.Hex;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;

/**
 * One authorization to relay: the exact call the relayer's transaction makes. The caller has
 * checked every term and the signature; the relayer only simulates and sends.
 *
 * @param key the authorization's identity (chain, token, from, nonce)
 * @param tokenContract the transaction's {@code to}: the token contract (usually {@code key.token()})
 * @param calldata the complete {@code transferWithAuthorization(...)} call (either overload); copied
 * @param validBefore the authorization's {@code validBefore}: nothing is sent or bumped at or after it
 * @param purpose what the relay is for, echoed in tickets and {@link RelayChanged} so listeners can
 *     route it, e.g. {@code checkout:<uuid>} or {@code x402:<id>}; at most 200 characters
 * @param preDeploy the call that deploys {@code key.from()} (an ERC-6492 wallet), made before the
 *     transfer if the wallet has no code yet; null when the payer needs no deploy. The caller has
 *     checked the factory against its allowlist.
 */
public record RelayOrder(AuthorizationKey key, String tokenContract, byte[] calldata, Instant validBefore, String purpose,
    PreDeploy preDeploy) {

  /** A factory call that deploys the payer's wallet: {@code to} = {@code factory}, data = {@code calldata}. */
  public record PreDeploy(String factory, byte[] calldata) {
    public PreDeploy {
      factory = Hex.address(Objects.requireNonNull(factory, "factory").toLowerCase(Locale.ROOT));
      calldata = Objects.requireNonNull(calldata, "calldata").clone();
      if (calldata.length < 4) throw new IllegalArgumentException("factory calldata must hold at least a function selector");
    }

    @Override
    public byte[] calldata() {
      return calldata.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof PreDeploy other && factory.equals(other.factory) && java.util.Arrays.equals(calldata, other.calldata);
    }

    @Override
    public int hashCode() {
      return Objects.hash(factory, java.util.Arrays.hashCode(calldata));
    }

    @Override
    public String toString() {
      return "PreDeploy[factory=" + factory + ", calldata=" + calldata.length + " bytes]";
    }
  }

  /** An order whose payer needs no deploy. */
  public RelayOrder(AuthorizationKey key, String tokenContract, byte[] calldata, Instant validBefore, String purpose) {
    this(key, tokenContract, calldata, validBefore, purpose, null);
  }

  public RelayOrder {
    Objects.requireNonNull(key, "key");
    tokenContract = Hex.address(Objects.requireNonNull(tokenContract, "tokenContract").toLowerCase(Locale.ROOT));
    calldata = Objects.requireNonNull(calldata, "calldata").clone();
    if (calldata.length < 4) throw new IllegalArgumentException("calldata must hold at least a function selector");
    Objects.requireNonNull(validBefore, "validBefore");
    Objects.requireNonNull(purpose, "purpose");
    if (purpose.isEmpty() || purpose.length() > 200) throw new IllegalArgumentException("purpose must be 1 to 200 characters");
  }

  /** A copy: the record stays immutable. */
  @Override
  public byte[] calldata() {
    return calldata.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RelayOrder other && key.equals(other.key) && tokenContract.equals(other.tokenContract)
        && java.util.Arrays.equals(calldata, other.calldata) && validBefore.equals(other.validBefore)
        && purpose.equals(other.purpose) && Objects.equals(preDeploy, other.preDeploy);
  }

  @Override
  public int hashCode() {
    return Objects.hash(key, tokenContract, java.util.Arrays.hashCode(calldata), validBefore, purpose, preDeploy);
  }

  @Override
  public String toString() {
    return "RelayOrder[key=" + key + ", tokenContract=" + tokenContract + ", calldata=" + calldata.length
        + " bytes, validBefore=" + validBefore + ", purpose=" + purpose + ", preDeploy=" + preDeploy + "]";
  }
}
