package io.zerodrop.audit;

import com.fasterxml.jackson.databind.JsonMappingException;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesList;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.zerodrop.core.ZerodropException;
import io.zerodrop.workload.ManifestLoader;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.nodes.Node;

/**
 * The objects a static audit reads: YAML files, directories of them (recursively), kustomize directories (rendered
 * with {@code kubectl kustomize}), or {@code -} for standard input ({@code helm template … | zerodrop audit -}).
 * Every object keeps the file and the line its YAML document starts on. Unreadable input is an input error (exit 2)
 * naming file, line and column.
 */
public final class AuditInput {
    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    private AuditInput() {
    }

    /** The kustomization file names kustomize itself accepts. */
    static final List<String> KUSTOMIZATION_FILES = List.of("kustomization.yaml", "kustomization.yml", "Kustomization");

    public static List<AuditObject> read(List<String> paths, InputStream stdin) {
        return read(paths, stdin, new ArrayList<>());
    }

    /**
     * As above; what was passed over while walking a directory (YAML that is no Kubernetes object — CI workflows,
     * Helm values — and kustomization files, whose directory is audited by naming it) goes into {@code skipped},
     * one line each with the file and the reason.
     */
    public static List<AuditObject> read(List<String> paths, InputStream stdin, List<String> skipped) {
        List<AuditObject> out = new ArrayList<>();
        // a file reached twice (named twice, or named and inside a named directory) is read once: its objects twice
        // would be two budgets over the same pods, two Services, …
        Set<Path> seen = new HashSet<>();
        for (String p : paths) {
            if (p.equals("-")) {
                try {
                    parse(new String(stdin.readAllBytes(), StandardCharsets.UTF_8), "<stdin>", null, out, null);
                } catch (IOException e) {
                    throw ZerodropException.usage("cannot read standard input: " + e.getMessage());
                }
                continue;
            }
            Path path = Path.of(p);
            if (!Files.exists(path)) {
                throw ZerodropException.usage("\"" + p + "\" does not exist: expected YAML files, a directory of them,"
                        + " a kustomize directory, or - for standard input");
            }
            Optional<Path> kustomization = KUSTOMIZATION_FILES.stream().map(path::resolve).filter(Files::isRegularFile)
                    .findFirst();
            if (!firstTime(seen, path, p, skipped)) {
                continue;
            }
            if (Files.isDirectory(path) && kustomization.isPresent()) {
                String rendered = ManifestLoader.kustomize(path);
                parse(rendered, kustomization.get().toString(), "rendered by kubectl kustomize " + p, out, null);
            } else if (Files.isDirectory(path)) {
                try (Stream<Path> files = Files.walk(path)) {
                    for (Path f : files.filter(f -> Files.isRegularFile(f) && (f.toString().matches(".*\\.ya?ml")
                            || f.getFileName().toString().equals("Kustomization"))).sorted().toList()) {
                        if (KUSTOMIZATION_FILES.contains(f.getFileName().toString())) {
                            skipped.add(f + ": a kustomization file; its objects are audited when its directory is"
                                    + " named (zerodrop audit " + f.getParent() + " renders it with kubectl kustomize)");
                            continue;
                        }
                        if (firstTime(seen, f, f.toString(), skipped)) {
                            parse(Files.readString(f), f.toString(), null, out, skipped);
                        }
                    }
                } catch (IOException e) {
                    throw ZerodropException.usage("cannot read " + p + ": " + e.getMessage());
                }
            } else {
                try {
                    parse(Files.readString(path), p, null, out, null);
                } catch (IOException e) {
                    throw ZerodropException.usage("cannot read " + p + ": " + e.getMessage());
                }
            }
        }
        return out;
    }

    /** Whether {@code path} is met for the first time (by its real path); a note in {@code skipped} if not. */
    private static boolean firstTime(Set<Path> seen, Path path, String given, List<String> skipped) {
        Path real;
        try {
            real = path.toRealPath();
        } catch (IOException e) {
            real = path.toAbsolutePath().normalize();
        }
        if (seen.add(real)) {
            return true;
        }
        skipped.add(given + ": already read (given more than once); read once");
        return false;
    }

    static void parse(String text, String file, String rendered, List<AuditObject> out) {
        parse(text, file, rendered, out, null);
    }

    /**
     * Parses every document of one text; {@code rendered} non-null: the lines are those of kustomize's output. A
     * document that is no Kubernetes object is an input error, or, with {@code skipped} (a file met while walking a
     * directory), passed over and said there.
     */
    static void parse(String text, String file, String rendered, List<AuditObject> out, List<String> skipped) {
        List<Integer> starts = new ArrayList<>();
        List<Object> docs = new ArrayList<>();
        try {
            for (Node n : new Yaml(new LoaderOptions()).composeAll(new StringReader(text))) {
                starts.add(n == null ? 0 : n.getStartMark().getLine() + 1);
            }
            Iterator<Object> it = new Yaml(new LoaderOptions()).loadAll(text).iterator();
            while (it.hasNext()) {
                docs.add(it.next());
            }
        } catch (MarkedYAMLException e) {
            var m = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            throw ZerodropException.usage(file + (m == null ? "" : ":" + (m.getLine() + 1) + ":" + (m.getColumn() + 1))
                    + (rendered != null ? " (" + rendered + ")" : "") + ": malformed YAML: " + e.getProblem());
        } catch (RuntimeException e) {
            throw ZerodropException.usage(file + ": malformed YAML: " + e.getMessage());
        }
        for (int i = 0; i < docs.size(); i++) {
            Object doc = docs.get(i);
            if (doc == null) {
                continue;
            }
            int line = i < starts.size() ? starts.get(i) : 0;
            AuditFinding.Source source = new AuditFinding.Source(file, rendered == null ? line : 0,
                    rendered == null ? null : rendered + ", line " + line);
            if (!(doc instanceof Map<?, ?> map) || map.get("kind") == null || map.get("apiVersion") == null) {
                if (skipped != null) {
                    skipped.add(file + ":" + line + ": not a Kubernetes object (no apiVersion and kind): passed over");
                    continue;
                }
                throw ZerodropException.usage(file + ":" + line + ": not a Kubernetes object (expected a mapping with"
                        + " apiVersion and kind)");
            }
            Object parsed;
            try {
                parsed = SERIALIZATION.unmarshal(SERIALIZATION.asJson(doc));
            } catch (RuntimeException e) {
                Throwable c = e;
                while (c.getCause() != null && !(c instanceof JsonMappingException)) {
                    c = c.getCause();
                }
                String why = c instanceof JsonMappingException j ? j.getOriginalMessage()
                        + " at " + j.getPathReference() : e.getMessage();
                throw ZerodropException.usage(file + ":" + line + ": " + map.get("kind") + " is not valid Kubernetes"
                        + " YAML: " + why);
            }
            List<HasMetadata> objects = parsed instanceof KubernetesList list ? list.getItems()
                    : parsed instanceof HasMetadata h ? List.of(h) : List.of();
            for (HasMetadata o : objects) {
                String at = file + ":" + line + (rendered != null ? " (" + rendered + ")" : "") + ": " + o.getKind()
                        + (o.getMetadata() != null && o.getMetadata().getName() != null ? " "
                        + o.getMetadata().getName() : "");
                AuditObject read;
                try {
                    read = AuditObject.read(o, source);
                } catch (IllegalArgumentException e) {
                    throw ZerodropException.usage(at + " " + e.getMessage());
                }
                String incomplete = AuditableObjects.incomplete(read);
                if (incomplete != null) {
                    throw ZerodropException.usage(at + " " + incomplete);
                }
                out.add(read);
            }
        }
    }

    /** Objects read from a cluster: their location is the cluster and namespace. */
    public static List<AuditObject> live(List<HasMetadata> objects, String where) {
        return objects.stream().map(o -> AuditObject.read(o, new AuditFinding.Source(null, 0, where + ", "
                + o.getKind() + " " + o.getMetadata().getName()))).toList();
    }
}
