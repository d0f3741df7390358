package io.zerodrop.manifests;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.zerodrop.testsupport.HostTool;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** An overlay rendered by {@code kubectl kustomize} and parsed into fabric8 model objects. */
record Rendered(List<HasMetadata> objects) {
    static final Path MANIFESTS = Path.of(System.getProperty("user.dir"));

    static Rendered of(String relativeDir) throws IOException, InterruptedException {
        Path kubectl = HostTool.require("kubectl", "kubectl >= 1.27 with built-in kustomize");
        Path dir = MANIFESTS.resolve(relativeDir);
        Process p = new ProcessBuilder(kubectl.toString(), "kustomize", dir.toString()).start();
        byte[] out = p.getInputStream().readAllBytes();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError("kubectl kustomize " + dir + " failed: " + err);
        }
        Object parsed = new KubernetesSerialization().unmarshal(new String(out, StandardCharsets.UTF_8));
        @SuppressWarnings("unchecked")
        List<HasMetadata> list = parsed instanceof List<?> l ? (List<HasMetadata>) l : List.of((HasMetadata) parsed);
        return new Rendered(list);
    }

    <T extends HasMetadata> List<T> all(Class<T> type) {
        return objects.stream().filter(type::isInstance).map(type::cast).toList();
    }

    <T extends HasMetadata> T one(Class<T> type) {
        List<T> found = all(type);
        if (found.size() != 1) {
            throw new AssertionError("expected exactly one " + type.getSimpleName() + ", found " + found.size());
        }
        return found.get(0);
    }

    List<String> kinds() {
        return objects.stream().map(HasMetadata::getKind).sorted().toList();
    }
}
