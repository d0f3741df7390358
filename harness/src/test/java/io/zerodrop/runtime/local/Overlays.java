package io.zerodrop.runtime.local;

import io.zerodrop.testsupport.HostTool;
import io.zerodrop.workload.ManifestLoader;
import io.zerodrop.workload.Workload;
import java.nio.file.Path;

/** target-app's overlays from the repository's manifests/, rendered with kubectl (the tests need it). */
final class Overlays {
    static final Path DIR = Path.of(System.getProperty("user.dir")).resolveSibling("manifests").resolve("overlays");

    private Overlays() {
    }

    static Workload load(String overlay) {
        HostTool.require("kubectl", "kubectl >= 1.27 renders the overlays with its built-in kustomize");
        return ManifestLoader.load(DIR.resolve(overlay));
    }
}
