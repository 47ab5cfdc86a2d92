// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

/// Test helper: a contract whose every call reverts, so a test can produce a mined
/// transaction with receipt status 0.
contract RevertingReceiver {
    fallback() external payable { revert("always"); }
}
