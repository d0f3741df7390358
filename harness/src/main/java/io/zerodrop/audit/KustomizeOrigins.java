package io.zerodrop.audit;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.zerodrop.core.ZerodropException;
import io.zerodrop.workload.ManifestLoader;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * A kustomize directory rendered so that each object's finding can point at the file it came from: kustomize
 * writes, with {@code buildMetadata: [originAnnotations]}, the annotation {@code config.kubernetes.io/origin}
 * ({@code path: base/deployment.yaml}, relative to the kustomization that asked for it). The user's kustomization
 * is not touched: a temporary one beside it in the temp directory names it as its only resource and asks for the
 * annotation. The object is then located in that file by kind and name (its first document of that kind when a
 * name prefix or suffix changed the name), and the annotation removed again. Where kubectl's kustomize does not
 * know the option, or an object has no path (generated ConfigMaps), the rendered output's line is kept.
 */
final class KustomizeOrigins {
    static final String ANNOTATION = "config.kubernetes.io/origin";

    /** The rendered text, and the directory its origin paths are relative to (null: rendered without origins). */
    record Rendered(String text, Path originRoot) {
    }

    private final Map<Path, Map<String, Integer>> linesByFile = new HashMap<>();

    private KustomizeOrigins() {
    }

    static KustomizeOrigins create() {
        return new KustomizeOrigins();
    }

    static Rendered render(Path dir) {
        Path wrapper = null;
        try {
            wrapper = Files.createTempDirectory("zerodrop-kustomize-").toRealPath();
            String rel = wrapper.relativize(dir.toRealPath()).toString().replace('\\', '/');
            Files.writeString(wrapper.resolve("kustomization.yaml"), "resources:\n- '" + rel.replace("'", "''")
                    + "'\nbuildMetadata: [originAnnotations]\n");
            return new Rendered(ManifestLoader.kustomize(wrapper), wrapper);
        } catch (IOException | ZerodropException e) {
            // an older kustomize, or an error of the user's kustomization: the plain rendering says it as it is
            return new Rendered(ManifestLoader.kustomize(dir), null);
        } finally {
            if (wrapper != null) {
                try {
                    Files.deleteIfExists(wrapper.resolve("kustomization.yaml"));
                    Files.deleteIfExists(wrapper);
                } catch (IOException e) {
                    // a temp directory left: nothing depends on it
                }
            }
        }
    }

    /**
     * Where {@code o} came from — its source file and the line of its document there, the rendered line kept as the
     * description — or {@code rendered} when kustomize names no file; the origin annotation is removed either way.
     */
    AuditFinding.Source locate(HasMetadata o, Path originRoot, AuditFinding.Source rendered) {
        Map<String, String> annotations = o.getMetadata() == null ? null : o.getMetadata().getAnnotations();
        String origin = annotations == null ? null : annotations.remove(ANNOTATION);
        if (annotations != null && annotations.isEmpty()) {
            o.getMetadata().setAnnotations(null);
        }
        if (origin == null || originRoot == null) {
            return rendered;
        }
        Object parsed = new Yaml(new LoaderOptions()).load(origin);
        if (!(parsed instanceof Map<?, ?> m) || !(m.get("path") instanceof String path) || m.get("repo") != null) {
            return rendered;
        }
        Path file = originRoot.resolve(path).normalize();
        Map<String, Integer> lines = linesByFile.computeIfAbsent(file, KustomizeOrigins::documentLines);
        Integer line = lines.get(o.getKind() + "/" + o.getMetadata().getName());
        if (line == null) {
            line = lines.get(o.getKind() + "/");
        }
        if (line == null) {
            return rendered;
        }
        return new AuditFinding.Source(display(file), line, rendered.description());
    }

    /** The file as the user would name it: relative to the working directory when inside it. */
    private static String display(Path file) {
        Path cwd = Path.of("").toAbsolutePath().normalize();
        return file.startsWith(cwd) ? cwd.relativize(file).toString() : file.toString();
    }

    /** "Kind/name" → the line its document starts on, and "Kind/" → the first document of that kind. */
    private static Map<String, Integer> documentLines(Path file) {
        Map<String, Integer> out = new LinkedHashMap<>();
        try {
            for (Node n : new Yaml(new LoaderOptions()).composeAll(new StringReader(Files.readString(file)))) {
                if (!(n instanceof MappingNode m)) {
                    continue;
                }
                String kind = scalar(m, "kind");
                Node meta = value(m, "metadata");
                String name = meta instanceof MappingNode mm ? scalar(mm, "name") : null;
                int line = n.getStartMark().getLine() + 1;
                if (kind != null) {
                    out.putIfAbsent(kind + "/" + name, line);
                    out.putIfAbsent(kind + "/", line);
                }
            }
        } catch (IOException | RuntimeException e) {
            // unreadable now: the rendered line stays
        }
        return out;
    }

    private static Node value(MappingNode m, String key) {
        for (NodeTuple t : m.getValue()) {
            if (t.getKeyNode() instanceof ScalarNode k && key.equals(k.getValue())) {
                return t.getValueNode();
            }
        }
        return null;
    }

    private static String scalar(MappingNode m, String key) {
        return value(m, key) instanceof ScalarNode s ? s.getValue() : null;
    }
}
