// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.20;

/// Run without deploying it (an eth_call with no `to`, data = creation code ‖ abi.encode(token,
/// from, nonce)): the constructor reads what a gasless intake needs of the token in one call and
/// returns abi.encode(stateOk, authorizationState, balanceOk, balance, codeSize, tokenCodeSize, code),
/// codeSize and code being the payer's (the code, so the intake's signature check needs no
/// eth_getCode of its own). A token without one of the views answers "not ok" for it; the caller
/// decides what that means.
contract GaslessFacts {
    constructor(address token, address from, bytes32 nonce) {
        (bool stateOk, bytes memory state) =
            token.staticcall(abi.encodeWithSignature("authorizationState(address,bytes32)", from, nonce));
        (bool balanceOk, bytes memory balance) = token.staticcall(abi.encodeWithSignature("balanceOf(address)", from));
        stateOk = stateOk && state.length == 32;
        balanceOk = balanceOk && balance.length == 32;
        bytes memory out = abi.encode(
            stateOk, stateOk ? abi.decode(state, (uint256)) : 0,
            balanceOk, balanceOk ? abi.decode(balance, (uint256)) : 0,
            from.code.length, token.code.length, from.code);
        assembly {
            return(add(out, 32), mload(out))
        }
    }
}
