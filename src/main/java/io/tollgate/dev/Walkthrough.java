package io.tollgate.dev;

import java.math.BigInteger;
import java.util.List;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.generated.Uint256;

/**
 * The curl walkthrough development mode prints: create a checkout, bind the paying wallet, pay it
 * on anvil, watch it turn paid; then a second checkout paid gaslessly (EIP-3009: the wallet signs
 * the offered typed data, the shop's relayer sends it).
 */
final class Walkthrough {
  private Walkthrough() {}

  static String text(int port, String apiKey, String rpcUrl, String token, String buyer) {
    String base = "http://localhost:" + port;
    String transfer = FunctionEncoder.encode(new Function("transfer", List.of(
        new Address(DevEnvironment.MERCHANT_RECIPIENT), new Uint256(BigInteger.valueOf(12_500_000))), List.of()));
    String json = "node -pe 'const o=JSON.parse(require(\"fs\").readFileSync(0));";
    return """

         Walkthrough to a paid checkout (paste into a shell):

         # 1. The shop creates a checkout for 12.50 USD
         KEY=%2$s
         RESP=$(curl -s %1$s/v1/checkouts -H "Authorization: Bearer $KEY" -H "Idempotency-Key: demo-$RANDOM" \\
           -H 'Content-Type: application/json' \\
           -d '{"orderReference":"ORDER-1","amount":"12.50","paymentOptions":[{"chainId":31337,"token":"USDC"}]}')
         ID=$(echo "$RESP" | %6$s o.id')
         SECRET=$(echo "$RESP" | %6$s o.clientSecret')
         # (or pay it in a browser with a wallet extension on anvil: the hosted payment page)
         echo "payment page: $(echo "$RESP" | %6$s (o.paymentUrl.startsWith("/") ? "%1$s" : "") + o.paymentUrl')"

         # 2. The buyer's wallet proves it will pay this checkout: it signs a Sign-In with Ethereum
         #    challenge (anvil signs for its unlocked accounts; in a browser the wallet asks the buyer).
         #    Hashes are public, so only the bound payer's transfers count for the checkout.
         MSG=$(curl -s %1$s/v1/checkouts/$ID/challenge -H "X-Client-Secret: $SECRET" -H 'Content-Type: application/json' \\
           -d '{"address":"%5$s","chainId":31337}' | %6$s o.message')
         SIG=$(curl -s %3$s -H 'Content-Type: application/json' -d "$(node -e 'console.log(JSON.stringify({jsonrpc:"2.0",
           id:1,method:"personal_sign",params:["0x"+Buffer.from(process.argv[1]).toString("hex"),process.argv[2]]}))' \\
           "$MSG" %5$s)" | %6$s o.result')
         curl -s %1$s/v1/checkouts/$ID/payer -H "X-Client-Secret: $SECRET" -H 'Content-Type: application/json' \\
           -d "$(node -e 'console.log(JSON.stringify({message:process.argv[1],signature:process.argv[2]}))' "$MSG" "$SIG")"; echo

         # 3. The buyer pays 12.500000 USDC from that wallet
         TX=$(curl -s %3$s -H 'Content-Type: application/json' -d '{"jsonrpc":"2.0","id":1,"method":"eth_sendTransaction",
           "params":[{"from":"%5$s","to":"%4$s","data":"%7$s"}]}' | %6$s o.result')

         # 4. The browser submits the transaction hash ...
         curl -s %1$s/v1/checkouts/$ID/payments -H "X-Client-Secret: $SECRET" -H 'Content-Type: application/json' \\
           -d "{\\"chainId\\":31337,\\"token\\":\\"USDC\\",\\"txHash\\":\\"$TX\\"}"; echo

         # 5. ... and polls until it is paid (a block is mined every second)
         sleep 2; curl -s %1$s/v1/checkouts/$ID/status -H "X-Client-Secret: $SECRET"; echo

         # Gasless: the buyer pays USDC by signature alone and the shop's relayer pays the gas.
         # 6. A second checkout; its payment options carry the EIP-3009 typed data for the paying wallet
         RESP=$(curl -s %1$s/v1/checkouts -H "Authorization: Bearer $KEY" -H "Idempotency-Key: demo-$RANDOM" \\
           -H 'Content-Type: application/json' \\
           -d '{"orderReference":"ORDER-2","amount":"12.50","paymentOptions":[{"chainId":31337,"token":"USDC"}]}')
         ID=$(echo "$RESP" | %6$s o.id')
         SECRET=$(echo "$RESP" | %6$s o.clientSecret')
         TYPED=$(curl -s "%1$s/v1/checkouts/$ID/payment-options?payer=%5$s" -H "X-Client-Secret: $SECRET" \\
           | %6$s JSON.stringify(o.paymentOptions[0].gasless.typedData)')

         # 7. The wallet signs it with eth_signTypedData_v4 (anvil signs for its unlocked accounts). The signature
         #    is over this checkout's exact terms and a nonce issued for it: it is also the payer binding.
         SIG=$(curl -s %3$s -H 'Content-Type: application/json' -d "$(node -e 'console.log(JSON.stringify({jsonrpc:"2.0",
           id:1,method:"eth_signTypedData_v4",params:[process.argv[1],process.argv[2]]}))' %5$s "$TYPED")" | %6$s o.result')

         # 8. The browser posts the signed authorization: pending (relaying), then confirmations, then paid
         curl -s %1$s/v1/checkouts/$ID/authorizations -H "X-Client-Secret: $SECRET" -H 'Content-Type: application/json' \\
           -d "$(node -e 'const t=JSON.parse(process.argv[1]);console.log(JSON.stringify({chainId:31337,token:"USDC",
           authorization:t.message,signature:process.argv[2]}))' "$TYPED" "$SIG")"; echo
         sleep 3; curl -s %1$s/v1/checkouts/$ID/status -H "X-Client-Secret: $SECRET"; echo
        ==================================================================================
        """.formatted(base, apiKey, rpcUrl, token, buyer, json, transfer);
  }
}
