package io.tollgate;

import io.tollgate.chain.EthRpc;
import io.tollgate.gasless.GaslessPayments;
import io.tollgate.gasless.GaslessSettings;
import io.tollgate.gasless.GaslessTokens;
import io.tollgate.relay.Relayer;
import io.tollgate.signature.SignatureVerifier;
import io.tollgate.signature.VerifierSettings;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Gasless payments as the buyer sees them (typed data, authorization intake, what a relay does to
 * its checkout), over the relayer. Without a relayer nothing is offered and authorizations are
 * refused {@code relayer_unavailable}; direct payments are unaffected.
 */
final class GaslessModule {
  final GaslessPayments payments;
  private final Foundation f;

  private GaslessModule(Foundation f, GaslessPayments payments) {
    this.f = f;
    this.payments = payments;
  }

  static GaslessModule create(Foundation f, Map<Long, EthRpc> rpc, Relayer relayer) {
    // No result cache: every authorization carries a fresh nonce, so no digest is ever checked twice.
    SignatureVerifier verifier = SignatureVerifier.create(f.vertx(), VerifierSettings.defaults().withCacheSize(0));
    byte[] nonceSecret = Base64.getDecoder().decode(Tollgate.required(f.settings(), "secrets.client-secret-key"));
    return new GaslessModule(f, GaslessPayments.create(f.pool(), f.transitions(), GaslessTokens.fromSettings(f.settings(), f.chains()),
        nonceSecret, verifier, rpc, relayer, GaslessSettings.fromSettings(f.settings()), f.clock(), f.vertx().eventBus()));
  }

  Module module() {
    return Module.of(List.of(() -> f.vertx().deployVerticle(payments.verticle())));
  }
}
