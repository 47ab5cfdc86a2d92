package io.tollgate.db;

/**
 * This instance gained ({@code leading}) or lost the lead of the leader-only work {@code name}
 * held under advisory lock {@code lockId} (for chain watchers, the chain id).
 */
public record LeadershipChanged(String name, int lockId, boolean leading) {}
