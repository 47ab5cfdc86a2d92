/**
 * Browser tests: a headless Chromium ({@link io.tollgate.testing.browser.Browser}, one per test
 * class; screenshots, axe-core, DevTools commands) and a wallet injected into the page ({@link
 * io.tollgate.testing.browser.InjectedWallet}: EIP-6963 + EIP-1193, signing by a real anvil).
 * Reusable by any page the service serves (the hosted checkout page, an operator console).
 */
package io.tollgate.testing.browser;
