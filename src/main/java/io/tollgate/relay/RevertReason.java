package io.tollgate.relay;

import io.tollgate.chain.Hex;
import io.tollgate.chain.RpcException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** The revert reason of a failed {@code eth_call}: {@code Error(string)} decoded, else the node's message. */
final class RevertReason {
  private static final String ERROR_SELECTOR = "0x08c379a0";

  private RevertReason() {}

  static String of(Throwable failure) {
    if (!(failure instanceof RpcException rpc)) return failure.toString();
    if (rpc.data() instanceof String data && data.startsWith(ERROR_SELECTOR)) {
      byte[] bytes = Hex.decodeOrNull(data);
      if (bytes != null && bytes.length >= 4 + 64) {
        int length = new java.math.BigInteger(1, Arrays.copyOfRange(bytes, 4 + 32, 4 + 64)).intValue();
        if (length >= 0 && 4 + 64 + length <= bytes.length) {
          return new String(bytes, 4 + 64, length, StandardCharsets.UTF_8);
        }
      }
    }
    return rpc.getMessage();
  }
}
