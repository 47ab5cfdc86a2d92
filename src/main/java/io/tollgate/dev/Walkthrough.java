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
 * the offered typed data, the shop's relayer sends it); then one x402 payment verified and settled
 * through the facilitator, as an x402 SDK resource server would ask.
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

         # x402: Tollgate is the facilitator of any paid HTTP API. A resource server built with the x402
         # SDK names %1$s/x402 as its facilitator URL and sends this key (or a facilitator-scope key).
         # 9. What it settles: scheme exact on eip155:31337, the relayer as signer
         curl -s %1$s/x402/supported; echo

         # 10. The API asks 0.01 USDC; the client's wallet signs an EIP-3009 authorization for exactly that
         REQ='{"scheme":"exact","network":"eip155:31337","asset":"%4$s","amount":"10000","payTo":"%8$s",
           "maxTimeoutSeconds":60,"extra":{"name":"USD Coin","version":"2"}}'
         AUTH=$(node -e 'const n=Math.floor(Date.now()/1000);console.log(JSON.stringify({from:"%5$s",to:"%8$s",
           value:"10000",validAfter:String(n-600),validBefore:String(n+60),
           nonce:"0x"+require("crypto").randomBytes(32).toString("hex")}))')
         SIG=$(curl -s %3$s -H 'Content-Type: application/json' -d "$(node -e 'const a=JSON.parse(process.argv[1]);
           const f=(n,t)=>({name:n,type:t});console.log(JSON.stringify({jsonrpc:"2.0",id:1,method:"eth_signTypedData_v4",
           params:["%5$s",JSON.stringify({primaryType:"TransferWithAuthorization",message:a,
           domain:{name:"USD Coin",version:"2",chainId:31337,verifyingContract:"%4$s"},
           types:{EIP712Domain:[f("name","string"),f("version","string"),f("chainId","uint256"),f("verifyingContract","address")],
           TransferWithAuthorization:[f("from","address"),f("to","address"),f("value","uint256"),f("validAfter","uint256"),
           f("validBefore","uint256"),f("nonce","bytes32")]}})]}))' "$AUTH")" | %6$s o.result')
         BODY=$(node -e 'const r=JSON.parse(process.argv[1]);console.log(JSON.stringify({x402Version:2,paymentRequirements:r,
           paymentPayload:{x402Version:2,accepted:r,payload:{authorization:JSON.parse(process.argv[2]),signature:process.argv[3]}}}))' \
           "$REQ" "$AUTH" "$SIG")

         # 11. The API asks Tollgate to verify (no gas, nothing stored), serves, then settles: the relayer
         #     sends transferWithAuthorization; the answer carries the transaction hash
         curl -s %1$s/x402/verify -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' -d "$BODY"; echo
         curl -s %1$s/x402/settle -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' -d "$BODY"; echo
         # the same payment again is refused: its authorization is used (settle again returns the same answer)
         curl -s %1$s/x402/verify -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' -d "$BODY"; echo
        ==================================================================================
        """.formatted(base, apiKey, rpcUrl, token, buyer, json, transfer, DevEnvironment.MERCHANT_RECIPIENT);
  }
}
