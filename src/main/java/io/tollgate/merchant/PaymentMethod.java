package io.tollgate.merchant;

/**
 * A (chain, token) a merchant accepts and the lowercase address that receives the money. Checked
 * against the deployment's chains by {@link PaymentMethodRules} where operators enter them.
 */
public record PaymentMethod(long chainId, String token, String recipient) {}
