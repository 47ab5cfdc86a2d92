package io.tollgate.api;

/**
 * Every error Tollgate puts on the wire: a stable machine-readable code and its HTTP status.
 * Clients switch on {@link #code()}; the message is for humans and may change.
 */
public enum ErrorCode {
  // 400: the request itself is malformed
  MALFORMED_JSON(400, "malformed_json", "The request body is not valid JSON."),
  INVALID_REQUEST(400, "invalid_request", "The request does not match the API schema."),
  INVALID_AMOUNT(400, "invalid_amount", "The amount must be a positive decimal string with at most 6 fraction digits."),
  INVALID_TX_HASH(400, "invalid_tx_hash", "A transaction hash is 0x followed by 64 hex digits."),
  INVALID_ADDRESS(400, "invalid_address", "An address is 0x followed by 40 hex digits."),
  INVALID_IDEMPOTENCY_KEY(400, "invalid_idempotency_key", "The Idempotency-Key header is required and must be 1 to 255 printable characters."),
  PAYLOAD_TOO_LARGE(413, "payload_too_large", "The request body is too large."),
  INVALID_URL(400, "invalid_url", "A redirect URL is an absolute https URL (http only to localhost, and only for test-mode checkouts)."),
  INVALID_ORIGIN(400, "invalid_origin", "An allowed origin is scheme://host[:port] with nothing after it: https, or http for localhost."),
  INVALID_WEBHOOK_SIGNATURE(400, "invalid_webhook_signature", "The webhook signature is missing, malformed, outside the time tolerance or does not match."),
  // 401/403: who is asking
  UNAUTHENTICATED(401, "unauthenticated", "A valid API key is required (Authorization: Bearer ...)."),
  INVALID_CLIENT_SECRET(401, "invalid_client_secret", "The client secret does not belong to this checkout."),
  FORBIDDEN(403, "forbidden", "This credential may not do that."),
  ORIGIN_NOT_ALLOWED(403, "origin_not_allowed", "Browsers on this origin may not call the API (http.cors.allowed-origins)."),
  // 404
  CHECKOUT_NOT_FOUND(404, "checkout_not_found", "No such checkout."),
  NOT_FOUND(404, "not_found", "No such resource."),
  METHOD_NOT_ALLOWED(405, "method_not_allowed", "This resource does not support that method."),
  // 409: conflicts with the current state
  TX_HASH_ALREADY_USED(409, "tx_hash_already_used", "This transaction has already paid a checkout."),
  PAYER_NOT_BOUND(409, "payer_not_bound", "Bind the paying wallet before submitting its transaction: sign the challenge from POST /v1/checkouts/{id}/challenge and send it to POST /v1/checkouts/{id}/payer."),
  CHECKOUT_NOT_PAYABLE(409, "checkout_not_payable", "The checkout no longer accepts payments."),
  IDEMPOTENCY_KEY_IN_USE(409, "idempotency_key_in_use", "A request with this Idempotency-Key is still being processed; retry later."),
  // 422: understood, but not acceptable
  IDEMPOTENCY_KEY_REUSED(422, "idempotency_key_reused", "This Idempotency-Key was used with a different request."),
  WEBHOOK_ENDPOINT_LIMIT_REACHED(422, "webhook_endpoint_limit_reached", "This merchant has as many webhook endpoints as allowed; delete one first."),
  WEBHOOK_URL_NOT_ALLOWED(422, "webhook_url_not_allowed", "Webhook URLs must be https and resolve only to public addresses."),
  PAYMENT_METHOD_NOT_AVAILABLE(422, "payment_method_not_available", "The merchant does not accept this chain and token."),
  PRICE_UNAVAILABLE(422, "price_unavailable", "No price quote is available for this token right now."),
  UNSUPPORTED_CURRENCY(422, "unsupported_currency", "This currency is not accepted here."),
  // 429
  RATE_LIMITED(429, "rate_limited", "Too many requests; retry after the time given in Retry-After."),
  TOO_MANY_CONNECTIONS(429, "too_many_connections", "Too many open connections from this address; close some and retry."),
  // payer binding (Sign-In with Ethereum challenge and signature); none of these is our fault
  MALFORMED_SIWE_MESSAGE(400, "malformed_siwe_message", "The message is not an EIP-4361 message in canonical form."),
  MALFORMED_SIGNATURE(400, "malformed_signature", "The signature is not 0x-hex of a length a wallet produces, or its v, r or s is invalid."),
  CHALLENGE_NOT_FOUND(404, "challenge_not_found", "No challenge with this nonce was issued for this checkout."),
  NONCE_ALREADY_USED(409, "nonce_already_used", "This challenge has already been used; request a new one."),
  PAYER_ALREADY_BOUND(409, "payer_already_bound", "This checkout already has a payer."),
  TOO_MANY_ATTEMPTS(403, "too_many_attempts", "Too many invalid signatures for this challenge; request a new one."),
  CHALLENGE_EXPIRED(422, "challenge_expired", "The challenge has expired; request a new one."),
  CHALLENGE_NOT_YET_VALID(422, "challenge_not_yet_valid", "The challenge is not valid yet."),
  WRONG_DOMAIN(422, "wrong_domain", "The message was issued for another domain."),
  ALTERED_MESSAGE(422, "altered_message", "The message is not the one issued for this challenge."),
  WRONG_SIGNER(422, "wrong_signer", "The signature was made by another key than the message's address."),
  WALLET_REJECTED_SIGNATURE(422, "wallet_rejected_signature", "The wallet contract does not accept this signature."),
  PERMISSIVE_WALLET(422, "permissive_wallet", "The wallet contract accepts any signature, so its approval proves nothing."),
  SAFE_STATIC_SIGNATURE(422, "safe_static_signature", "A Safe static (approved-hash) signature proves nothing here."),
  MALLEABLE_SIGNATURE(422, "malleable_signature", "The signature has a high s value (a malleated copy); sign again."),
  COUNTERFACTUAL_DEPLOY_FAILED(422, "counterfactual_deploy_failed", "The ERC-6492 factory call does not deploy the wallet at the message's address."),
  SIGNATURE_CHECK_UNAVAILABLE(503, "signature_check_unavailable", "The chain could not be asked to check the signature; retry shortly."),
  // operator API and test mode
  INVALID_PAYMENT_METHOD(422, "invalid_payment_method", "The payment method names a chain or token this deployment does not watch, or its recipient is not a valid address."),
  MERCHANT_NOT_FOUND(404, "merchant_not_found", "No such merchant."),
  API_KEY_NOT_FOUND(404, "api_key_not_found", "No such API key for this merchant."),
  API_KEY_REVOKED(409, "api_key_revoked", "This API key is revoked or expired."),
  MODE_MISMATCH(403, "mode_mismatch", "Test keys (tg_test_) work only with test networks and test-mode objects, live keys (tg_live_) only with live ones."),
  // money off-script: refunds, late payments, recovery, cancel, listing (issue 18)
  INVALID_REFUND_AMOUNT(400, "invalid_refund_amount", "A refund amount is a positive decimal string in the checkout's currency with at most 6 fraction digits; give either amount or excess, not both."),
  INVALID_CURSOR(400, "invalid_cursor", "The cursor is not one this API returned; start again without it."),
  INVALID_TIME_RANGE(400, "invalid_time_range", "Times are RFC 3339 (e.g. 2026-01-31T12:00:00Z) and from must be before to."),
  REFUND_NOT_FOUND(404, "refund_not_found", "No such refund for this checkout."),
  NOTHING_TO_REFUND(409, "nothing_to_refund", "The checkout has no refundable balance: nothing was received, it was all refunded already, or it is still being paid (pending, underpaid)."),
  REFUND_EXCEEDS_BALANCE(409, "refund_exceeds_balance", "The refund is more than the checkout's refundable balance (received less succeeded and in-flight refunds)."),
  NO_EXCESS_TO_REFUND(409, "no_excess_to_refund", "The checkout was not over-paid, or its excess is already being refunded."),
  REFUND_NOT_AWAITING_TRANSFER(409, "refund_not_awaiting_transfer", "This refund takes no transfer: it succeeded, was canceled, or is paid back by the processor."),
  DUPLICATE_PAYMENT_NOT_FOUND(404, "duplicate_payment_not_found", "This checkout has no duplicate payment with that id (see money.duplicatePayments on the checkout)."),
  TOP_UP_IN_OTHER_OPTION(409, "top_up_in_other_option", "This checkout was partly paid in one token; a top-up must be in that same token on the same chain (amounts in different tokens are not added up)."),
  REFUND_NOT_CANCELABLE(409, "refund_not_cancelable", "Only a refund for which nothing was sent yet can be canceled."),
  NO_LATE_PAYMENT(409, "no_late_payment", "The checkout has no confirmed late payment to accept."),
  CHECKOUT_NOT_CANCELABLE(409, "checkout_not_cancelable", "Only an open checkout with no payment in flight and nothing received can be canceled."),
  NOT_RECOVERABLE(409, "not_recoverable", "The checkout is already paid; recovery is for a payment that failed to be credited."),
  // gasless payments (EIP-3009 authorizations); each term has its own code, all checked before any gas is spent
  TOKEN_NOT_GASLESS(422, "token_not_gasless", "This token cannot be paid by signature (EIP-3009) on this chain; pay with a transaction."),
  AUTHORIZATION_WRONG_RECIPIENT(422, "authorization_wrong_recipient", "The authorization's `to` is not this checkout's recipient."),
  AUTHORIZATION_WRONG_VALUE(422, "authorization_wrong_value", "The authorization's `value` is not this checkout's exact amount."),
  AUTHORIZATION_WRONG_PAYER(422, "authorization_wrong_payer", "The authorization's `from` is not the payer bound to this checkout."),
  AUTHORIZATION_NOT_YET_VALID(422, "authorization_not_yet_valid", "The authorization's `validAfter` is in the future."),
  AUTHORIZATION_EXPIRED(422, "authorization_expired", "The authorization's `validBefore` has passed or leaves too little time to relay it; sign the typed data from fresh payment options."),
  AUTHORIZATION_OUTLIVES_CHECKOUT(422, "authorization_outlives_checkout", "The authorization's `validBefore` is later than the checkout's expiry."),
  AUTHORIZATION_NONCE_NOT_ISSUED(422, "authorization_nonce_not_issued", "The nonce was not issued for this checkout and token: sign the typed data from this checkout's payment options."),
  AUTHORIZATION_NONCE_USED(409, "authorization_nonce_used", "The token has already used this authorization's nonce; sign the typed data from fresh payment options."),
  INSUFFICIENT_BALANCE(422, "insufficient_balance", "The paying wallet holds less of the token than the amount."),
  FACTORY_NOT_ALLOWED(422, "factory_not_allowed", "The ERC-6492 signature would deploy the wallet through a factory that is not on this deployment's allowlist."),
  SIMULATION_REVERTED(422, "simulation_reverted", "The token would refuse this authorization (the relayed transaction reverts in simulation); nothing was sent and nothing was charged."),
  RELAY_IN_PROGRESS(409, "relay_in_progress", "Another authorization for this checkout is being relayed; wait for its outcome."),
  RELAYER_UNAVAILABLE(503, "relayer_unavailable", "Gasless payments are unavailable right now; retry after the time in Retry-After, or pay with a transaction."),
  TOO_MANY_STREAMS(503, "too_many_streams", "This server holds as many live status streams as it allows; retry after the time in Retry-After, or poll GET /v1/checkouts/{id}/status meanwhile."),
  // x402 facilitator: requests it cannot judge (a payment it can judge but refuses is a 200 with the reference's reason)
  X402_UNSUPPORTED_VERSION(400, "x402_unsupported_version", "Only x402 protocol version 2 is supported (x402Version and paymentPayload.x402Version must be 2)."),
  X402_UNSUPPORTED_SCHEME(400, "x402_unsupported_scheme", "Only the scheme 'exact' is supported (paymentRequirements.scheme)."),
  X402_UNSUPPORTED_NETWORK(400, "x402_unsupported_network", "paymentRequirements.network must be eip155:<chain id> of a chain this facilitator settles on (see GET /x402/supported)."),
  X402_UNSUPPORTED_ASSET(400, "x402_unsupported_asset", "paymentRequirements.asset must be an EIP-3009 token this facilitator is configured for on that network; permit2 transfers are not supported."),
  FACILITATOR_KEY_SCOPE(403, "facilitator_key_scope", "This API key has the facilitator scope: it may call /x402/... only."),
  SETTLEMENT_NOT_FOUND(404, "settlement_not_found", "No such x402 settlement for this merchant."),
  // 5xx: our own faults
  INTERNAL(500, "internal_error", "Something went wrong on our side."),
  UNAVAILABLE(503, "service_unavailable", "A dependency is unavailable; retry shortly.");

  private final int httpStatus;
  private final String code;
  private final String message;

  ErrorCode(int httpStatus, String code, String message) {
    this.httpStatus = httpStatus;
    this.code = code;
    this.message = message;
  }

  public int httpStatus() { return httpStatus; }

  public String code() { return code; }

  public String message() { return message; }
}
