package io.tollgate.x402;

import io.tollgate.api.ApiException;
import io.tollgate.api.ErrorCode;
import io.tollgate.chain.Hex;
import io.tollgate.gasless.TransferAuthorization;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code /verify} or {@code /settle} body ({@code {x402Version, paymentPayload,
 * paymentRequirements}}, x402 v2, scheme {@code exact}, an EIP-3009 payload), checked for shape
 * only: anything this facilitator cannot judge is a 400 with a code (wrong types or lengths,
 * another version, scheme, network family or transfer method); whether the payment is acceptable is
 * {@link ExactRules}' and the chain's question, answered with the reference's reasons.
 *
 * @param chainId from {@code paymentRequirements.network} ({@code eip155:<id>})
 * @param asset the token, lowercase
 * @param extraName {@code paymentRequirements.extra.name}, null when absent (a reason, not a 400)
 * @param payer {@code authorization.from} exactly as sent (the reference echoes it)
 * @param signature lowercase 0x-hex bytes, as signed
 */
record PaymentRequest(String network, long chainId, String asset, BigInteger amount, String payTo, String extraName,
    String extraVersion, String acceptedScheme, String acceptedNetwork, TransferAuthorization authorization, String payer,
    String signature, JsonObject rawPayload) {
  static final String SCHEME = "exact";
  private static final Pattern ADDRESS = Pattern.compile("0x[0-9a-fA-F]{40}");
  private static final Pattern NONCE = Pattern.compile("0x[0-9a-fA-F]{64}");
  private static final Pattern DECIMAL = Pattern.compile("[0-9]{1,78}");
  private static final Pattern NETWORK = Pattern.compile("eip155:([0-9]{1,18})");
  private static final Pattern HEX_BYTES = Pattern.compile("0x(?:[0-9a-fA-F]{2})+");
  static final int MAX_SIGNATURE_BYTES = 16 * 1024;
  private static final BigInteger UINT256_MAX = BigInteger.ONE.shiftLeft(256).subtract(BigInteger.ONE);

  /** The body as posted; every failure names the field. */
  static PaymentRequest parse(JsonObject body) {
    if (body == null) throw invalid("the body must be a JSON object {x402Version, paymentPayload, paymentRequirements}", null);
    version(body.getValue("x402Version"), "x402Version");
    JsonObject payload = object(body, "paymentPayload", "paymentPayload");
    JsonObject requirements = object(body, "paymentRequirements", "paymentRequirements");
    version(payload.getValue("x402Version"), "paymentPayload.x402Version");

    String scheme = string(requirements, "scheme", "paymentRequirements.scheme");
    if (!SCHEME.equals(scheme)) {
      throw new ApiException(ErrorCode.X402_UNSUPPORTED_SCHEME, "paymentRequirements.scheme is '" + scheme + "'",
          "paymentRequirements.scheme");
    }
    String network = string(requirements, "network", "paymentRequirements.network");
    Matcher chain = NETWORK.matcher(network);
    if (!chain.matches()) {
      throw new ApiException(ErrorCode.X402_UNSUPPORTED_NETWORK, "'" + network + "' is not eip155:<chain id>",
          "paymentRequirements.network");
    }
    String amount = string(requirements, "amount", "paymentRequirements.amount");
    if (!DECIMAL.matcher(amount).matches() || new BigInteger(amount).compareTo(UINT256_MAX) > 0) {
      throw invalid("paymentRequirements.amount must be a uint256 in atomic units as a decimal string", "paymentRequirements.amount");
    }
    String asset = address(requirements, "asset", "paymentRequirements.asset");
    String payTo = address(requirements, "payTo", "paymentRequirements.payTo");
    Object timeout = requirements.getValue("maxTimeoutSeconds");
    if (!(timeout instanceof Number n) || n.doubleValue() <= 0) {
      throw invalid("paymentRequirements.maxTimeoutSeconds must be a positive number", "paymentRequirements.maxTimeoutSeconds");
    }
    Object extraValue = requirements.getValue("extra");
    if (extraValue != null && !(extraValue instanceof JsonObject)) {
      throw invalid("paymentRequirements.extra must be an object", "paymentRequirements.extra");
    }
    JsonObject extra = extraValue == null ? new JsonObject() : (JsonObject) extraValue;
    String name = optionalString(extra, "name", "paymentRequirements.extra.name");
    String version = optionalString(extra, "version", "paymentRequirements.extra.version");
    String method = optionalString(extra, "assetTransferMethod", "paymentRequirements.extra.assetTransferMethod");
    if (method != null && !"eip3009".equals(method)) {
      throw new ApiException(ErrorCode.X402_UNSUPPORTED_ASSET, "assetTransferMethod '" + method + "': only eip3009 is supported",
          "paymentRequirements.extra.assetTransferMethod");
    }

    JsonObject accepted = object(payload, "accepted", "paymentPayload.accepted");
    String acceptedScheme = string(accepted, "scheme", "paymentPayload.accepted.scheme");
    String acceptedNetwork = string(accepted, "network", "paymentPayload.accepted.network");
    JsonObject inner = object(payload, "payload", "paymentPayload.payload");
    if (inner.containsKey("permit2Authorization")) {
      throw new ApiException(ErrorCode.X402_UNSUPPORTED_ASSET, "permit2 payloads are not supported; sign an EIP-3009 authorization",
          "paymentPayload.payload");
    }
    JsonObject auth = object(inner, "authorization", "paymentPayload.payload.authorization");
    String prefix = "paymentPayload.payload.authorization.";
    String from = string(auth, "from", prefix + "from");
    if (!ADDRESS.matcher(from).matches()) throw invalid(prefix + "from must be 0x followed by 40 hex digits", prefix + "from");
    String to = address(auth, "to", prefix + "to");
    BigInteger value = uint(auth, "value", prefix + "value");
    long validAfter = seconds(auth, "validAfter", prefix + "validAfter");
    long validBefore = seconds(auth, "validBefore", prefix + "validBefore");
    String nonce = string(auth, "nonce", prefix + "nonce");
    if (!NONCE.matcher(nonce).matches()) throw invalid(prefix + "nonce must be 0x followed by 64 hex digits", prefix + "nonce");
    String signature = string(inner, "signature", "paymentPayload.payload.signature");
    if (signature.length() > 2 + 2 * MAX_SIGNATURE_BYTES || !HEX_BYTES.matcher(signature).matches() || signature.length() < 2 + 2 * 65) {
      throw invalid("paymentPayload.payload.signature must be 0x-hex of 65 to " + MAX_SIGNATURE_BYTES + " bytes",
          "paymentPayload.payload.signature");
    }
    TransferAuthorization authorization = new TransferAuthorization(from.toLowerCase(Locale.ROOT), to, value, validAfter,
        validBefore, nonce.toLowerCase(Locale.ROOT));
    return new PaymentRequest(network, Long.parseLong(chain.group(1)), asset, new BigInteger(amount), payTo, blankToNull(name),
        blankToNull(version), acceptedScheme, acceptedNetwork, authorization, from, signature.toLowerCase(Locale.ROOT),
        new JsonObject().put("authorization", auth.copy()).put("signature", signature));
  }

  private static void version(Object value, String field) {
    if (!(value instanceof Number)) throw invalid(field + " must be the number 2", field);
    if (!(value instanceof Integer || value instanceof Long) || ((Number) value).longValue() != 2) {
      throw new ApiException(ErrorCode.X402_UNSUPPORTED_VERSION, field + " is " + value, field);
    }
  }

  private static JsonObject object(JsonObject parent, String name, String field) {
    Object value = parent.getValue(name);
    if (!(value instanceof JsonObject o)) throw invalid(field + " must be an object", field);
    return o;
  }

  private static String string(JsonObject parent, String name, String field) {
    Object value = parent.getValue(name);
    if (!(value instanceof String s) || s.isEmpty() || s.length() > 1000) {
      throw invalid(field + " must be a non-empty string", field);
    }
    return s;
  }

  private static String optionalString(JsonObject parent, String name, String field) {
    Object value = parent.getValue(name);
    if (value == null) return null;
    if (!(value instanceof String s) || s.length() > 200) throw invalid(field + " must be a string of at most 200 characters", field);
    return s;
  }

  private static String address(JsonObject parent, String name, String field) {
    String value = string(parent, name, field);
    if (!ADDRESS.matcher(value).matches()) throw invalid(field + " must be 0x followed by 40 hex digits", field);
    return value.toLowerCase(Locale.ROOT);
  }

  /** A uint256 as the SDK sends it (a decimal string); a JSON integer is taken too. */
  private static BigInteger uint(JsonObject parent, String name, String field) {
    Object value = parent.getValue(name);
    BigInteger parsed = null;
    if (value instanceof String s && DECIMAL.matcher(s).matches()) parsed = new BigInteger(s);
    if (value instanceof Integer || value instanceof Long) parsed = BigInteger.valueOf(((Number) value).longValue());
    if (parsed == null || parsed.signum() < 0 || parsed.compareTo(UINT256_MAX) > 0) {
      throw invalid(field + " must be a uint256 as a decimal string", field);
    }
    return parsed;
  }

  private static long seconds(JsonObject parent, String name, String field) {
    BigInteger value = uint(parent, name, field);
    if (value.bitLength() > 62) throw invalid(field + " is not a time in seconds since the epoch", field);
    return value.longValue();
  }

  private static String blankToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }

  private static ApiException invalid(String detail, String field) {
    return new ApiException(ErrorCode.INVALID_REQUEST, detail, field);
  }

  byte[] signatureBytes() {
    return Hex.decode(signature);
  }
}
