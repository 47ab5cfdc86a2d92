/**
 * Merchants: who may use the merchant API (hashed API keys, test or live), which chains and tokens
 * each accepts, its rules for amounts off the quote ({@link io.tollgate.merchant.AmountRules}), and
 * the operator's management of them (shared by the CLI and the operator API).
 *
 * <p>Public face (the rest is package-private): {@link io.tollgate.merchant.Merchant}, {@link
 * io.tollgate.merchant.KeyMode}, {@link io.tollgate.merchant.MerchantAuthenticator}, {@link
 * io.tollgate.merchant.MerchantChangeListener}, {@link io.tollgate.merchant.MerchantDirectory}, {@link
 * io.tollgate.merchant.ApiKeyRegistry}, {@link io.tollgate.merchant.MerchantAdmin}, {@link
 * io.tollgate.merchant.PayerBinding}, {@link io.tollgate.merchant.PaymentMethod}, {@link
 * io.tollgate.merchant.PaymentMethodRules}, {@link io.tollgate.merchant.AmountRules}.
 */
package io.tollgate.merchant;
