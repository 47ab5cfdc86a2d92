package io.tollgate.merchant;

/** A (chain, token) a merchant accepts and the lowercase address that receives the money. */
public record PaymentMethod(long chainId, String token, String recipient) {

  /** Parses {@code chainId:TOKEN:0xrecipient}, the CLI and configuration form. */
  public static PaymentMethod parse(String spec) {
    String[] parts = spec.split(":");
    if (parts.length != 3 || !parts[2].matches("0x[0-9a-fA-F]{40}")) {
      throw new IllegalArgumentException("payment method must be chainId:TOKEN:0xaddress, got " + spec);
    }
    return new PaymentMethod(Long.parseLong(parts[0]), parts[1], parts[2].toLowerCase());
  }
}
