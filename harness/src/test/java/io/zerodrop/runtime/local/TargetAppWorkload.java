package io.zerodrop.runtime.local;

import io.zerodrop.workload.ManifestLoader;
import io.zerodrop.workload.Workload;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The manifests the runtime tests need: a Deployment of target-app (grace 2 s, port {@code http} 8080) and its
 * Service on 8080, written to {@code dir} and loaded as the runtime loads any manifests. Each test adds only what it
 * is about: its container fields (probes) and further documents (a budget).
 */
final class TargetAppWorkload {
    private TargetAppWorkload() {
    }

    /**
     * @param containerFields YAML fields of the container (probes), at the container's indentation, may be empty
     * @param moreDocuments further YAML documents (each starting with {@code ---}), may be empty
     */
    static Workload load(Path dir, String name, int replicas, String shutdownMode, String containerFields,
            String moreDocuments) throws Exception {
        String yaml = """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: %1$s}
                spec:
                  replicas: %2$d
                  selector: {matchLabels: {app: %1$s}}
                  template:
                    metadata: {labels: {app: %1$s}}
                    spec:
                      terminationGracePeriodSeconds: 2
                      containers:
                        - name: app
                          image: zerodrop/target-app:dev
                          ports: [{name: http, containerPort: 8080}]
                          env: [{name: PORT, value: "8080"}, {name: SHUTDOWN_MODE, value: %3$s}]
                """.formatted(name, replicas, shutdownMode)
                + containerFields.indent(10)
                + """
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: %1$s}
                spec:
                  selector: {app: %1$s}
                  ports: [{port: 8080, targetPort: http}]
                """.formatted(name)
                + moreDocuments;
        return ManifestLoader.load(Files.writeString(dir.resolve(name + ".yaml"), yaml));
    }
}
