package io.tollgate.gasless;

import io.tollgate.api.ApiException;
import io.tollgate.api.ErrorCode;
import io.tollgate.chain.Hex;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.util.regex.Pattern;

/**
 * The signature a browser posts with an authorization, in any of the forms wallets produce: an
 * object {@code {v, r, s}}, 65 bytes of hex (v 0/1 or 27/28), or longer bytes from a smart wallet
 * (ERC-1271, or ERC-6492-wrapped for a wallet not deployed yet). Kept as 0x-hex bytes exactly as
 * signed: v 0/1 is turned into 27/28 only for the token's {@code (v, r, s)} call, because the
 * verifier must see the raw shape (a 65-byte signature with s = 0 and v 0/1 is a Safe static
 * signature, refused as such). Whether the bytes prove anything is the verifier's question.
 */
final class AuthorizationSignature {
  private static final Pattern WORD = Pattern.compile("0x[0-9a-fA-F]{64}");
  static final int ECDSA_LENGTH = 65;

  private AuthorizationSignature() {}

  /** 0x-hex bytes of the signature, or {@code invalid_request}/{@code malformed_signature}. */
  static String parse(Object value, int maxBytes) {
    byte[] bytes;
    if (value instanceof JsonObject vrs) {
      bytes = fromVrs(vrs);
    } else if (value instanceof String text) {
      if (text.length() > 2 + 2L * maxBytes) throw malformed("longer than " + maxBytes + " bytes");
      bytes = Hex.decodeOrNull(text);
      if (bytes == null || bytes.length == 0) throw malformed("not 0x-prefixed hex of whole bytes");
    } else {
      throw new ApiException(ErrorCode.INVALID_REQUEST, "signature must be 0x-hex bytes or an object {v, r, s}");
    }
    if (bytes.length < ECDSA_LENGTH) throw malformed(bytes.length + " bytes is shorter than any wallet's signature");
    return Hex.encode(bytes);
  }

  private static byte[] fromVrs(JsonObject vrs) {
    Object r = vrs.getValue("r");
    Object s = vrs.getValue("s");
    if (!(r instanceof String rs) || !WORD.matcher(rs).matches() || !(s instanceof String ss) || !WORD.matcher(ss).matches()) {
      throw malformed("r and s must each be 32 bytes of hex");
    }
    int v = v(vrs.getValue("v"));
    byte[] out = new byte[ECDSA_LENGTH];
    System.arraycopy(Hex.decode(rs), 0, out, 0, 32);
    System.arraycopy(Hex.decode(ss), 0, out, 32, 32);
    out[64] = (byte) v;
    return out;
  }

  private static int v(Object value) {
    BigInteger v = null;
    if (value instanceof Integer || value instanceof Long) v = BigInteger.valueOf(((Number) value).longValue());
    if (value instanceof String text && text.matches("0x[0-9a-fA-F]{1,2}")) v = new BigInteger(text.substring(2), 16);
    if (value instanceof String text && text.matches("[0-9]{1,2}")) v = new BigInteger(text);
    if (v == null || !(v.intValue() == 0 || v.intValue() == 1 || v.intValue() == 27 || v.intValue() == 28)) {
      throw malformed("v must be 0, 1, 27 or 28");
    }
    return v.intValue();
  }

  private static ApiException malformed(String detail) {
    return new ApiException(ErrorCode.MALFORMED_SIGNATURE, detail);
  }
}
