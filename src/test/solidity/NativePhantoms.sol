// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

/// Test helpers: transactions whose call tree or outer fields suggest an ETH payment to `to` that
/// never stays with it. A balance-diff trace shows each for what it is.

/// Sends the value to `to` inside a sub-call that then reverts; the caught revert undoes the send,
/// so the value stays here although the call tree shows a value transfer to `to`.
contract RevertedSubcallPayer {
    function pay(address to) external payable {
        try this.sendThenRevert{value: msg.value}(to) {} catch {}
    }

    function sendThenRevert(address to) external payable {
        (bool ok,) = to.call{value: msg.value}("");
        require(ok, "send failed");
        revert("undone");
    }
}

/// Delegatecalls `to` while holding the value: the frame carries msg.value "to" `to`, no wei moves.
contract DelegatecallPayer {
    function pay(address to) external payable {
        (bool ok,) = to.delegatecall("");
        require(ok, "delegatecall failed");
    }
}

/// A recipient that hands on whatever it receives in the same transaction: the transaction's own
/// fields say it was paid, its balance did not rise.
contract ForwardingRecipient {
    address payable public immutable sink;

    constructor(address payable sinkAddress) {
        sink = sinkAddress;
    }

    receive() external payable {
        (bool ok,) = sink.call{value: msg.value}("");
        require(ok, "forward failed");
    }
}
