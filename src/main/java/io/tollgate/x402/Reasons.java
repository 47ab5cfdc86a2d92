package io.tollgate.x402;

/**
 * The reason strings of the reference implementation ({@code @x402/evm} 2.27.0,
 * {@code src/exact/facilitator/errors.ts}), byte for byte: SDK code switches on them.
 */
final class Reasons {
  static final String SCHEME = "invalid_exact_evm_scheme";
  static final String MISSING_EIP712_DOMAIN = "invalid_exact_evm_missing_eip712_domain";
  static final String NETWORK_MISMATCH = "invalid_exact_evm_network_mismatch";
  static final String FACTORY_NOT_ALLOWED = "eip6492_factory_not_allowed";
  static final String SIGNATURE = "invalid_exact_evm_signature";
  static final String RECIPIENT_MISMATCH = "invalid_exact_evm_recipient_mismatch";
  static final String VALID_BEFORE = "invalid_exact_evm_payload_authorization_valid_before";
  static final String VALID_AFTER = "invalid_exact_evm_payload_authorization_valid_after";
  static final String VALUE_MISMATCH = "invalid_exact_evm_payload_authorization_value_mismatch";
  static final String ASSET_NOT_DEPLOYED = "asset_not_deployed_contract";
  static final String EIP3009_NOT_SUPPORTED = "invalid_exact_evm_eip3009_not_supported";
  static final String NONCE_ALREADY_USED = "invalid_exact_evm_nonce_already_used";
  static final String TOKEN_NAME_MISMATCH = "invalid_exact_evm_token_name_mismatch";
  static final String TOKEN_VERSION_MISMATCH = "invalid_exact_evm_token_version_mismatch";
  static final String INSUFFICIENT_BALANCE = "invalid_exact_evm_insufficient_balance";
  static final String SIMULATION_FAILED = "invalid_exact_evm_transaction_simulation_failed";
  static final String TRANSACTION_FAILED = "invalid_exact_evm_transaction_failed";
  /** Mined and succeeded, but the asset logged no {@code Transfer(from, to, value)} as authorized. */
  static final String TRANSFER_EVENT_MISMATCH = "invalid_exact_evm_transfer_event_mismatch";
  static final String SETTLEMENT_PENDING = "settlement_pending";

  private Reasons() {}

  /** As the reference maps a revert message of {@code transferWithAuthorization} ({@code parseEip3009TransferError}). */
  static String ofRevert(String message) {
    String m = message == null ? "" : message;
    if (find("authorization.*(expired|valid before)|AuthorizationExpired", m)) return VALID_BEFORE;
    if (find("authorization.*not.*valid|AuthorizationNotYetValid", m)) return VALID_AFTER;
    if (find("authorization.*used|AuthorizationAlreadyUsed|AuthorizationUsedOrCanceled", m)) return NONCE_ALREADY_USED;
    if (find("transfer.*exceeds.*balance|insufficient.*balance|ERC20InsufficientBalance", m)) return INSUFFICIENT_BALANCE;
    if (find("invalid.*signature|SignerMismatch|InvalidSignatureV|InvalidSignatureS", m)) return SIGNATURE;
    return TRANSACTION_FAILED;
  }

  private static boolean find(String regex, String text) {
    return java.util.regex.Pattern.compile(regex, java.util.regex.Pattern.CASE_INSENSITIVE).matcher(text).find();
  }
}
