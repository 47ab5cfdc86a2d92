package io.tollgate.loadtest;

import static io.tollgate.testing.Async.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.chain.JsonRpcClient;
import io.tollgate.chain.NewHeadsSubscription;
import io.tollgate.chain.RpcRequest;
import io.tollgate.dev.AnvilProcess;
import io.tollgate.testing.TestChain;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The drop's counting proxy counts what Tollgate would be billed for, over HTTP and WebSocket. */
class CountingRpcProxyTest {

  @Test
  void countsHttpCallsPerCallAndWebSocketRequestsAndNotificationsByMethod() throws Exception {
    Vertx vertx = Vertx.vertx();
    try (AnvilProcess anvil = AnvilProcess.start(AnvilProcess.defaultProjectDir(), 31337)) {
      CountingRpcProxy proxy = CountingRpcProxy.start(vertx, anvil.rpcUrl());
      JsonRpcClient http = new JsonRpcClient(vertx, 31337, List.of(proxy.url()), JsonRpcClient.Options.defaults());
      await(http.batch(List.of(RpcRequest.of("eth_blockNumber"), RpcRequest.of("eth_chainId"))));
      await(http.call("eth_blockNumber", new JsonArray()));

      BlockingQueue<Long> heads = new LinkedBlockingQueue<>();
      BlockingQueue<Boolean> live = new LinkedBlockingQueue<>();
      NewHeadsSubscription subscription = NewHeadsSubscription.start(vertx, 31337, proxy.wsUrl(),
          NewHeadsSubscription.Options.defaults(), new NewHeadsSubscription.Listener() {
            @Override
            public void onHead(long number) {
              heads.add(number);
            }

            @Override
            public void onLive(boolean isLive) {
              live.add(isLive);
            }
          });
      assertThat(live.poll(10, TimeUnit.SECONDS)).as("subscribed through the proxy").isTrue();
      TestChain chain = new TestChain(anvil.rpcUrl(), 31337); // the driver's own traffic bypasses the proxy
      chain.mine(1);
      chain.mine(1);
      assertThat(heads.poll(10, TimeUnit.SECONDS)).isEqualTo(1L);
      assertThat(heads.poll(10, TimeUnit.SECONDS)).isEqualTo(2L);

      assertThat(proxy.byMethod()).isEqualTo(Map.of(
          "eth_blockNumber", 2L, "eth_chainId", 1L, "eth_subscribe", 1L, "eth_subscription", 2L));
      assertThat(proxy.calls()).isEqualTo(6);
      assertThat(proxy.httpRequests()).isEqualTo(2);
      assertThat(proxy.webSocketCalls()).isEqualTo(3);
      assertThat(proxy.webSockets()).isEqualTo(1);
      await(subscription.close());
      http.close();
    } finally {
      await(vertx.close());
    }
  }
}
