// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

/// Test helper: an EIP-3009 token whose reads answer like a healthy one (every nonce unused, a large
/// balance) but whose transfers are paused: its transferWithAuthorization reverts with a reason no
/// facilitator knows, so only simulating the transfer finds out.
contract PausedEip3009Token {
    function authorizationState(address, bytes32) external pure returns (bool) { return false; }

    function balanceOf(address) external pure returns (uint256) { return 1e30; }

    function transferWithAuthorization(address, address, uint256, uint256, uint256, bytes32, uint8, bytes32, bytes32)
        external pure { revert("Pausable: paused"); }

    function transferWithAuthorization(address, address, uint256, uint256, uint256, bytes32, bytes calldata)
        external pure { revert("Pausable: paused"); }
}
