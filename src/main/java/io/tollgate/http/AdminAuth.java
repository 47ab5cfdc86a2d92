package io.tollgate.http;

import io.tollgate.api.ApiException;
import io.tollgate.api.ErrorCode;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The operator's credential for {@code /v1/admin/...}: {@code Authorization: Bearer <token>} whose
 * SHA-256 equals {@code admin.token-sha256} (hex). Only the hash is configured, so the config does
 * not hold a usable credential; the comparison is constant-time. Without the setting every admin
 * call is refused (403): admin operations are off unless an operator turns them on.
 */
public final class AdminAuth {
  private final byte[] expected;

  /** What an operator route's 401 says: a merchant's API key is not what it wants. */
  static final String OPERATOR_TOKEN =
      "this operator route needs the operator token (Authorization: Bearer <token>, the token whose SHA-256 is admin.token-sha256), not a merchant's API key";

  /** @param tokenSha256Hex hex SHA-256 of the operator token, or null to refuse every admin call */
  public AdminAuth(String tokenSha256Hex) {
    this.expected = tokenSha256Hex == null ? null : HexFormat.of().parseHex(tokenSha256Hex.trim().toLowerCase());
    if (expected != null && expected.length != 32) throw new IllegalArgumentException("admin.token-sha256 must be 64 hex digits");
  }

  static byte[] sha256(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  Future<Void> authorize(String authorizationHeader) {
    if (expected == null) return Future.failedFuture(new ApiException(ErrorCode.FORBIDDEN, "admin API is not configured"));
    if (authorizationHeader == null || !authorizationHeader.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return Future.failedFuture(new ApiException(ErrorCode.UNAUTHENTICATED, OPERATOR_TOKEN));
    }
    byte[] given = sha256(authorizationHeader.substring(7).trim());
    return MessageDigest.isEqual(expected, given) ? Future.succeededFuture()
        : Future.failedFuture(new ApiException(ErrorCode.UNAUTHENTICATED, OPERATOR_TOKEN));
  }
}
