/**
 * Merchants: who may use the merchant API (hashed API keys, test or live), which chains and tokens
 * each accepts, and the operator's management of both (shared by the CLI and the operator API).
 *
 * <p>Public face (the rest is package-private): {@link io.tollgate.merchant.Merchant}, {@link
 * io.tollgate.merchant.KeyMode}, {@link io.tollgate.merchant.MerchantAuthenticator}, {@link
 * io.tollgate.merchant.MerchantChangeListener}, {@link io.tollgate.merchant.MerchantDirectory}, {@link
 * io.tollgate.merchant.ApiKeyRegistry}, {@link io.tollgate.merchant.MerchantAdmin}, {@link
 * io.tollgate.merchant.PayerBinding}, {@link io.tollgate.merchant.PaymentMethod}, {@link
 * io.tollgate.merchant.PaymentMethodRules}.
 */
package io.tollgate.merchant;
