/**
 * Merchants: who may use the merchant API (hashed API keys) and which chains and tokens each accepts.
 *
 * <p>Public face (6 of 7 types; everything else is package-private): {@link
 * io.tollgate.merchant.Merchant}, {@link io.tollgate.merchant.MerchantAdmin}, {@link
 * io.tollgate.merchant.MerchantAuthenticator}, {@link io.tollgate.merchant.MerchantCli}, {@link
 * io.tollgate.merchant.PayerBinding}, {@link io.tollgate.merchant.PaymentMethod}.
 */
package io.tollgate.merchant;
