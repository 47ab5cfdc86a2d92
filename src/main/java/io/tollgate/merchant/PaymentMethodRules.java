package io.tollgate.merchant;

import io.tollgate.api.ApiException;
import io.tollgate.api.ErrorCode;
import io.tollgate.chain.ChainConfig;
import io.tollgate.chain.ChainRegistry;
import java.util.Locale;
import java.util.stream.Collectors;
import org.web3j.crypto.Keys;

/**
 * Which payment methods a merchant may be given: a chain this deployment watches, a token
 * configured on it, and a recipient address that is well formed, passes its EIP-55 checksum when
 * written in mixed case, and is not the zero address (money sent there is burnt). Every refusal is
 * one {@link ErrorCode#INVALID_PAYMENT_METHOD} with a sentence naming what is wrong.
 */
public final class PaymentMethodRules {
  private static final String ZERO = "0x" + "0".repeat(40);
  private final ChainRegistry chains;

  public PaymentMethodRules(ChainRegistry chains) {
    this.chains = chains;
  }

  /** Parses {@code CHAIN_ID:TOKEN:0xRECIPIENT}, the command-line form, and checks it. */
  public PaymentMethod parse(String spec) {
    String[] parts = spec.split(":", -1);
    if (parts.length != 3) {
      throw refused("payment method '" + spec + "' must be CHAIN_ID:TOKEN:0xRECIPIENT, e.g. 8453:USDC:0x...");
    }
    long chainId;
    try {
      chainId = Long.parseLong(parts[0]);
    } catch (NumberFormatException e) {
      throw refused("payment method '" + spec + "': chain id '" + parts[0] + "' is not a number (e.g. 8453 for Base)");
    }
    return check(chainId, parts[1], parts[2]);
  }

  /** The method if this deployment can take payments by it; the recipient stored lowercase. */
  public PaymentMethod check(long chainId, String token, String recipient) {
    ChainConfig chain = chains.chain(chainId).orElseThrow(() -> refused("chain " + chainId
        + " is not watched by this deployment (chains: " + known() + ")"));
    if (token == null || chain.token(token).isEmpty()) {
      throw refused("token " + token + " is not configured on chain " + chainId + " (tokens there: "
          + String.join(", ", chain.tokens().keySet().stream().sorted().toList()) + ")");
    }
    return new PaymentMethod(chainId, token, checkedAddress(recipient));
  }

  /** Whether test-mode keys use this chain. */
  public boolean isTestnet(long chainId) {
    return chains.isTestnet(chainId);
  }

  static String checkedAddress(String address) {
    if (address == null || !address.matches("0x[0-9a-fA-F]{40}")) {
      throw refused("recipient '" + address + "' is not an address (0x followed by 40 hex digits)");
    }
    String hex = address.substring(2);
    boolean mixedCase = !hex.equals(hex.toLowerCase(Locale.ROOT)) && !hex.equals(hex.toUpperCase(Locale.ROOT));
    if (mixedCase && !Keys.toChecksumAddress(address).equals(address)) {
      throw refused("recipient " + address + " fails its EIP-55 checksum (a typo?); copy it again, or write it all lowercase");
    }
    String lower = address.toLowerCase(Locale.ROOT);
    if (lower.equals(ZERO)) throw refused("recipient is the zero address: money sent there is lost");
    return lower;
  }

  private String known() {
    String ids = chains.all().stream().map(ChainConfig::chainId).sorted().map(String::valueOf).collect(Collectors.joining(", "));
    return ids.isEmpty() ? "none configured" : ids;
  }

  private static ApiException refused(String detail) {
    return new ApiException(ErrorCode.INVALID_PAYMENT_METHOD, detail);
  }
}
