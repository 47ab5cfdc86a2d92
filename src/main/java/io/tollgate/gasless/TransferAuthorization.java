package io.tollgate.gasless;

import io.tollgate.api.ApiException;
import io.tollgate.api.ErrorCode;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.web3j.abi.DefaultFunctionEncoder;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.Type;
import org.web3j.abi.datatypes.generated.Bytes32;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.crypto.Hash;
import org.web3j.utils.Numeric;

/**
 * An EIP-3009 {@code TransferWithAuthorization} message: the payer ({@code from}) lets anyone move
 * {@code value} base units to {@code to}, once ({@code nonce}), inside {@code (validAfter,
 * validBefore)} (seconds since the epoch). Addresses and the nonce are lowercase 0x-hex.
 */
public record TransferAuthorization(String from, String to, BigInteger value, long validAfter, long validBefore,
    String nonce) {
  static final String TYPE = "TransferWithAuthorization(address from,address to,uint256 value,uint256 validAfter,"
      + "uint256 validBefore,bytes32 nonce)";
  static final byte[] TYPEHASH = Hash.sha3(TYPE.getBytes(StandardCharsets.US_ASCII));
  private static final Pattern ADDRESS = Pattern.compile("0x[0-9a-fA-F]{40}");
  private static final Pattern NONCE = Pattern.compile("0x[0-9a-fA-F]{64}");
  private static final Pattern DECIMAL = Pattern.compile("[0-9]{1,78}");
  private static final Pattern HEX_QUANTITY = Pattern.compile("0x[0-9a-fA-F]{1,64}");
  private static final BigInteger UINT256_MAX = BigInteger.ONE.shiftLeft(256).subtract(BigInteger.ONE);

  /** {@code keccak256(abi.encode(TYPEHASH, from, to, value, validAfter, validBefore, nonce))}. */
  public byte[] structHash() {
    List<Type> fields = List.of(new Bytes32(TYPEHASH), new Address(from), new Address(to), new Uint256(value),
        new Uint256(validAfter), new Uint256(validBefore), new Bytes32(Numeric.hexStringToByteArray(nonce)));
    return Hash.sha3(Numeric.hexStringToByteArray(new DefaultFunctionEncoder().encodeParameters(fields)));
  }

  TransferAuthorization withNonce(String newNonce) {
    return new TransferAuthorization(from, to, value, validAfter, validBefore, newNonce);
  }

  /** The {@code message} member of {@code eth_signTypedData_v4}'s argument: integers as decimal strings. */
  JsonObject toJson() {
    return new JsonObject().put("from", from).put("to", to).put("value", value.toString())
        .put("validAfter", Long.toString(validAfter)).put("validBefore", Long.toString(validBefore)).put("nonce", nonce);
  }

  /**
   * The authorization a browser posts: integers as decimal strings (as signed), JSON integers or
   * 0x-hex quantities. Anything else is {@code invalid_request} naming the field.
   */
  static TransferAuthorization fromJson(JsonObject json) {
    return new TransferAuthorization(address(json, "from"), address(json, "to"), uint(json, "value"),
        seconds(json, "validAfter"), seconds(json, "validBefore"), nonce(json));
  }

  private static String address(JsonObject json, String field) {
    Object value = json.getValue(field);
    if (!(value instanceof String s) || !ADDRESS.matcher(s).matches()) {
      throw invalid("authorization." + field + " must be an address (0x followed by 40 hex digits)");
    }
    return s.toLowerCase(Locale.ROOT);
  }

  private static String nonce(JsonObject json) {
    Object value = json.getValue("nonce");
    if (!(value instanceof String s) || !NONCE.matcher(s).matches()) {
      throw invalid("authorization.nonce must be 32 bytes of hex (0x followed by 64 hex digits)");
    }
    return s.toLowerCase(Locale.ROOT);
  }

  private static BigInteger uint(JsonObject json, String field) {
    Object value = json.getValue(field);
    BigInteger parsed = null;
    if (value instanceof String s && DECIMAL.matcher(s).matches()) {
      parsed = new BigInteger(s);
    } else if (value instanceof String s && HEX_QUANTITY.matcher(s).matches()) {
      parsed = new BigInteger(s.substring(2), 16);
    } else if (value instanceof Integer || value instanceof Long) {
      parsed = BigInteger.valueOf(((Number) value).longValue());
    } else if (value instanceof BigInteger b) {
      parsed = b;
    }
    if (parsed == null || parsed.signum() < 0 || parsed.compareTo(UINT256_MAX) > 0) {
      throw invalid("authorization." + field + " must be a uint256 as a decimal string");
    }
    return parsed;
  }

  /** A time in seconds; a uint256 beyond a long is no time this service will see, and is refused. */
  private static long seconds(JsonObject json, String field) {
    BigInteger value = uint(json, field);
    if (value.bitLength() > 62) throw invalid("authorization." + field + " is not a time in seconds since the epoch");
    return value.longValue();
  }

  private static ApiException invalid(String detail) {
    return new ApiException(ErrorCode.INVALID_REQUEST, detail);
  }
}
