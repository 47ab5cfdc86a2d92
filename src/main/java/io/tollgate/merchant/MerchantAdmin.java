package io.tollgate.merchant;

import io.tollgate.chain.TestNetworks;
import io.tollgate.db.DatabaseSettings;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.UUID;

/**
 * Creating a merchant over plain JDBC, before any Vert.x runs: development mode's demo merchant
 * and test fixtures. The CLI and the operator API use {@link MerchantDirectory} and {@link
 * ApiKeyRegistry}. Never from an event loop.
 */
public final class MerchantAdmin {
  private final DatabaseSettings db;

  public MerchantAdmin(DatabaseSettings db) {
    this.db = db;
  }

  /** A merchant, its payment methods and one API key. The key is returned here and never again. */
  public record CreatedMerchant(UUID merchantId, String apiKey) {
    @Override
    public String toString() {
      return "CreatedMerchant(" + merchantId + ")";
    }
  }

  /** A merchant that requires a bound payer for direct transfers (the safe default). */
  public CreatedMerchant create(String name, List<PaymentMethod> methods) {
    return create(name, methods, PayerBinding.REQUIRED);
  }

  /**
   * Its key's mode: test when every method is on a well-known test network (the demo merchant on
   * anvil), live otherwise, as V9 decided for keys made before modes existed.
   */
  public CreatedMerchant create(String name, List<PaymentMethod> methods, PayerBinding payerBinding) {
    boolean allTest = !methods.isEmpty() && methods.stream().allMatch(m -> TestNetworks.isKnownTestnet(m.chainId()));
    return create(name, methods, payerBinding, allTest ? KeyMode.TEST : KeyMode.LIVE);
  }

  public CreatedMerchant create(String name, List<PaymentMethod> methods, PayerBinding payerBinding, KeyMode mode) {
    UUID merchantId = UUID.randomUUID();
    String apiKey = ApiKeys.generate(mode);
    try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password())) {
      c.setAutoCommit(false);
      try (PreparedStatement m = c.prepareStatement("INSERT INTO merchants (id, name, payer_binding) VALUES (?, ?, ?)");
          PreparedStatement k = c.prepareStatement(
              "INSERT INTO api_keys (id, merchant_id, key_hash, key_prefix, mode) VALUES (?, ?, ?, ?, ?)");
          PreparedStatement p = c.prepareStatement(
              "INSERT INTO merchant_payment_methods (merchant_id, chain_id, token, recipient) VALUES (?, ?, ?, ?)")) {
        m.setObject(1, merchantId);
        m.setString(2, name);
        m.setString(3, payerBinding.code());
        m.executeUpdate();
        k.setObject(1, UUID.randomUUID());
        k.setObject(2, merchantId);
        k.setBytes(3, ApiKeys.hash(apiKey));
        k.setString(4, ApiKeys.displayPrefix(apiKey));
        k.setString(5, mode.code());
        k.executeUpdate();
        for (PaymentMethod method : methods) {
          p.setObject(1, merchantId);
          p.setLong(2, method.chainId());
          p.setString(3, method.token());
          p.setString(4, method.recipient());
          p.addBatch();
        }
        p.executeBatch();
        c.commit();
      } catch (SQLException e) {
        c.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw new IllegalStateException("could not create merchant", e);
    }
    return new CreatedMerchant(merchantId, apiKey);
  }
}
