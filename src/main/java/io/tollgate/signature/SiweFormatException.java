package io.tollgate.signature;

/** The text is not an EIP-4361 message in the exact form {@link SiweMessages#format} produces. */
public final class SiweFormatException extends IllegalArgumentException {
  SiweFormatException(String message) {
    super(message);
  }
}
