package io.zerodrop.disruption;

/**
 * One thing a disruption asks of a cluster's API server, as its authorization sees it: {@code verb} on
 * {@code resource} (and {@code subresource}) of API {@code group} ("" = core), in the workload's namespace or, when
 * {@code clusterScoped}, across the cluster. The preflight asks the server (SelfSubjectAccessReview) for each one.
 */
public record ApiAccess(String verb, String group, String resource, String subresource, boolean clusterScoped) {
}
