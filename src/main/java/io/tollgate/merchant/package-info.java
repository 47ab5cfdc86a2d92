/** Merchants: who may use the merchant API (hashed API keys) and which chains and tokens each accepts. */
package io.tollgate.merchant;
