package io.tollgate.signature;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * Tuning of a {@link SignatureVerifier}.
 *
 * @param callTimeout bound on each JSON-RPC round the verifier makes (getCode, the ERC-1271 batch,
 *     the ERC-6492 call); past it the check is {@link SignatureCheck.Unavailable}
 * @param erc1271Gas gas cap of each {@code isValidSignature} call (passkey/P-256 validators need
 *     200-330k; a million keeps a hostile wallet from burning the node's call budget)
 * @param erc6492Gas gas cap of the deployless universal-validator call, which also deploys the
 *     wallet inside the call; the validator caps its own inner ERC-1271 call at a million
 * @param maxSignatureBytes longer signatures are refused as malformed before any work
 * @param cacheSize entries kept in the result cache; 0 disables it
 * @param cacheTtl how long a cached outcome is reused; contract answers depend on storage (an owner
 *     rotation does not change the code hash), so keep this short
 * @param clock time source of the cache
 */
public record VerifierSettings(
    Duration callTimeout,
    long erc1271Gas,
    long erc6492Gas,
    int maxSignatureBytes,
    int cacheSize,
    Duration cacheTtl,
    Clock clock) {

  public static final long ERC1271_GAS_CAP = 1_000_000;

  public VerifierSettings {
    Objects.requireNonNull(callTimeout, "callTimeout");
    Objects.requireNonNull(cacheTtl, "cacheTtl");
    Objects.requireNonNull(clock, "clock");
    if (callTimeout.isNegative() || callTimeout.isZero()) throw new IllegalArgumentException("callTimeout must be positive");
    if (erc1271Gas <= 0 || erc6492Gas <= 0) throw new IllegalArgumentException("gas caps must be positive");
    if (maxSignatureBytes < 65) throw new IllegalArgumentException("maxSignatureBytes must allow 65-byte signatures");
    if (cacheSize < 0) throw new IllegalArgumentException("cacheSize must be >= 0");
  }

  /** 5 s per round, 1M gas for ERC-1271, 3M for ERC-6492, 16 KiB signatures, 10,000 cached for 60 s. */
  public static VerifierSettings defaults() {
    return new VerifierSettings(Duration.ofSeconds(5), ERC1271_GAS_CAP, 3_000_000, 16 * 1024,
        10_000, Duration.ofSeconds(60), Clock.systemUTC());
  }

  public VerifierSettings withCacheSize(int size) {
    return new VerifierSettings(callTimeout, erc1271Gas, erc6492Gas, maxSignatureBytes, size, cacheTtl, clock);
  }

  public VerifierSettings withCallTimeout(Duration timeout) {
    return new VerifierSettings(timeout, erc1271Gas, erc6492Gas, maxSignatureBytes, cacheSize, cacheTtl, clock);
  }

  public VerifierSettings withClock(Clock newClock) {
    return new VerifierSettings(callTimeout, erc1271Gas, erc6492Gas, maxSignatureBytes, cacheSize, cacheTtl, newClock);
  }
}
