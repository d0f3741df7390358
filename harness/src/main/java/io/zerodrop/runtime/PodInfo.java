package io.zerodrop.runtime;

/** A live pod (not marked for deletion) as a runtime reports it; {@code createdMs} is epoch ms. */
public record PodInfo(String name, String node, long createdMs, boolean ready) {
}
