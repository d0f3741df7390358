package io.zerodrop.disruption;

/** The workload a dry run on a cluster names in its calls: its namespace, its name and its replicas now. */
public record ApiTarget(String namespace, String name, int replicas) {
    /** The path of the namespace's pods in the core API. */
    public String pods() {
        return "/api/v1/namespaces/" + namespace + "/pods/";
    }

    /** The path of the workload's Deployment. */
    public String deployment() {
        return "/apis/apps/v1/namespaces/" + namespace + "/deployments/" + name;
    }
}
