package io.tollgate.signature;

import io.tollgate.chain.Hex;
import java.math.BigInteger;
import java.util.Arrays;

/**
 * ERC-6492 wrapped signatures: {@code abi.encode(address factory, bytes factoryCalldata,
 * bytes innerSignature) ‖ 0x6492…6492}. Decoding is strict about bounds so a hostile wrapper
 * is refused here rather than inside the node.
 */
final class Erc6492 {
  static final byte[] MAGIC = Hex.decode("0x6492649264926492649264926492649264926492649264926492649264926492");

  private Erc6492() {}

  record Wrapped(String factory, byte[] factoryCalldata, byte[] innerSignature) {}

  static boolean hasMagic(byte[] signature) {
    if (signature.length < 32) return false;
    return Arrays.equals(signature, signature.length - 32, signature.length, MAGIC, 0, 32);
  }

  /** The three parts, or null when the body is not a well-formed (address, bytes, bytes) encoding. */
  static Wrapped unwrapOrNull(byte[] signature) {
    int end = signature.length - 32;
    if (end < 96 || end % 32 != 0) return null;
    for (int i = 0; i < 12; i++) {
      if (signature[i] != 0) return null;
    }
    String factory = Hex.encode(Arrays.copyOfRange(signature, 12, 32));
    byte[] calldata = dynamicBytes(signature, end, 32);
    byte[] inner = dynamicBytes(signature, end, 64);
    if (calldata == null || inner == null) return null;
    return new Wrapped(factory, calldata, inner);
  }

  private static byte[] dynamicBytes(byte[] body, int end, int headOffset) {
    long offset = word(body, headOffset, end);
    if (offset < 96 || offset % 32 != 0 || offset + 32 > end) return null;
    long length = word(body, (int) offset, end);
    long start = offset + 32;
    if (length < 0 || start + length > end) return null;
    return Arrays.copyOfRange(body, (int) start, (int) (start + length));
  }

  /** A 32-byte big-endian word as a long, or -1 when it does not fit (no sane offset does). */
  private static long word(byte[] body, int at, int end) {
    if (at + 32 > end) return -1;
    BigInteger value = new BigInteger(1, Arrays.copyOfRange(body, at, at + 32));
    return value.bitLength() > 62 ? -1 : value.longValue();
  }

  static byte[] wrap(Wrapped wrapped) {
    byte[] calldata = padded(wrapped.factoryCalldata());
    byte[] inner = padded(wrapped.innerSignature());
    byte[] out = new byte[96 + 32 + calldata.length + 32 + inner.length + 32];
    byte[] factory = Hex.decode(wrapped.factory());
    System.arraycopy(factory, 0, out, 32 - factory.length, factory.length);
    int calldataOffset = 96;
    int innerOffset = calldataOffset + 32 + calldata.length;
    putWord(out, 32, calldataOffset);
    putWord(out, 64, innerOffset);
    putWord(out, calldataOffset, wrapped.factoryCalldata().length);
    System.arraycopy(wrapped.factoryCalldata(), 0, out, calldataOffset + 32, wrapped.factoryCalldata().length);
    putWord(out, innerOffset, wrapped.innerSignature().length);
    System.arraycopy(wrapped.innerSignature(), 0, out, innerOffset + 32, wrapped.innerSignature().length);
    System.arraycopy(MAGIC, 0, out, out.length - 32, 32);
    return out;
  }

  private static byte[] padded(byte[] data) {
    return new byte[(data.length + 31) / 32 * 32];
  }

  private static void putWord(byte[] out, int at, long value) {
    for (int i = 0; i < 8; i++) {
      out[at + 31 - i] = (byte) (value >>> (8 * i));
    }
  }
}
