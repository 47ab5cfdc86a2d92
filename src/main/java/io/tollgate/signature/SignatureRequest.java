package io.tollgate.signature;

import io.tollgate.chain.Hex;
import java.util.Objects;

/**
 * What to verify: that {@code signer} signed {@code digest}, as {@code signature}.
 *
 * <p>{@code signer} and {@code signature} are kept as the text the client sent (0x-hex), because
 * malformed input is an outcome the verifier reports with its own reason, not an exception the
 * caller has to anticipate. The chain to consult is a separate argument of
 * {@link SignatureVerifier#verify}: the same request may be tried on several chains.
 */
public record SignatureRequest(String signer, Digest digest, String signature) {

  public SignatureRequest {
    Objects.requireNonNull(signer, "signer");
    Objects.requireNonNull(digest, "digest");
    Objects.requireNonNull(signature, "signature");
  }

  public static SignatureRequest of(String signer, Digest digest, byte[] signature) {
    return new SignatureRequest(signer, digest, Hex.encode(signature));
  }

  /**
   * An EIP-712 signature ({@code eth_signTypedData_v4}) by {@code signer}, from the two halves of
   * the digest: the domain separator and the struct hash of the signed message. EIP-3009
   * authorizations ({@code TransferWithAuthorization}) are verified this way.
   */
  public static SignatureRequest forEip712(String signer, byte[] domainSeparator, byte[] structHash, String signature) {
    return new SignatureRequest(signer, Digest.eip712(domainSeparator, structHash), signature);
  }

  /** A signed Sign-In with Ethereum message: the signer is the message's address, EIP-191 digest. */
  public static SignatureRequest forSiwe(SiweMessage message, String signature) {
    return new SignatureRequest(message.address(), Digest.personalSign(SiweMessages.format(message)), signature);
  }
}
