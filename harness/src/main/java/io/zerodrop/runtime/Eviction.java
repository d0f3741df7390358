package io.zerodrop.runtime;

/**
 * What the Eviction API answered (policy/v1, POST pods/{name}/eviction), typed so that a refusal by a
 * PodDisruptionBudget is never confused with API throttling (also 429), a missing permission (403) or a
 * misconfiguration (500: several budgets select the pod).
 */
public record Eviction(int status, Kind kind, String message) {
    /** How the API answered. */
    public enum Kind {
        /** 200/201: the pod is deleted like a normal delete, grace period honoured. */
        EVICTED,
        /** 429 with a cause of type DisruptionBudget: the budget would break; retry later. */
        BUDGET_REFUSED,
        /** 429 without that cause: the API server is rate limiting; retry after its Retry-After. */
        THROTTLED,
        /** 404: the pod is already gone. */
        NOT_FOUND,
        /** Anything else (403 forbidden, 500 several budgets, …): the eviction cannot succeed by waiting. */
        FAILED
    }

    public static Eviction allowed() {
        return new Eviction(201, Kind.EVICTED, "evicted");
    }

    /** 429: the eviction would violate a PodDisruptionBudget; {@code why} as the API server words it. */
    public static Eviction refused(String why) {
        return new Eviction(429, Kind.BUDGET_REFUSED, why);
    }

    public static Eviction throttled(String why) {
        return new Eviction(429, Kind.THROTTLED, why);
    }

    public static Eviction notFound(String why) {
        return new Eviction(404, Kind.NOT_FOUND, why);
    }

    public static Eviction failed(int status, String why) {
        return new Eviction(status, Kind.FAILED, why);
    }

    public boolean ok() {
        return kind == Kind.EVICTED;
    }
}
