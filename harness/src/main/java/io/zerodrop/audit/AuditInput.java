package io.zerodrop.audit;

import com.fasterxml.jackson.databind.JsonMappingException;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesList;
import io.zerodrop.core.ZerodropException;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * The objects a static audit reads: YAML files, directories of them (recursively), kustomize directories (rendered
 * with {@code kubectl kustomize}), or {@code -} for standard input ({@code helm template … | zerodrop audit -}).
 * Every object keeps the file and the line its YAML document starts on. Unreadable input is an input error (exit 2)
 * naming file, line and column.
 */
public final class AuditInput {

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
                    parse(new String(stdin.readAllBytes(), StandardCharsets.UTF_8), AuditOutput.STDIN, null, out,
                            null);
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
                KustomizeOrigins.Rendered rendered = KustomizeOrigins.render(path);
                parse(rendered.text(), kustomization.get().toString(), "rendered by kubectl kustomize " + p, out, null,
                        rendered.originRoot());
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

    /**
     * One line for each object defined more than once in the input (the same kind, namespace and name in several
     * places — a directory holding alternative layouts of one app): each definition is audited on its own, but
     * applied together the last would replace the others, so the reader should know.
     */
    public static List<String> redefined(List<AuditObject> objects) {
        Map<String, List<AuditObject>> byIdentity = new LinkedHashMap<>();
        for (AuditObject o : objects) {
            byIdentity.computeIfAbsent(o.kind() + "/" + o.namespace() + "/" + o.name(), k -> new ArrayList<>()).add(o);
        }
        List<String> out = new ArrayList<>();
        byIdentity.values().stream().filter(l -> l.size() > 1).forEach(l -> out.add(l.get(0).ref() + " is defined "
                + l.size() + " times (" + String.join(", ", l.stream().map(o -> String.valueOf(o.source())).toList())
                + "): each definition is audited; applied together, the last would replace the others"));
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
        parse(text, file, rendered, out, skipped, null);
    }

    /**
     * As above; {@code originRoot} non-null: kustomize annotated each object with the file it came from, relative to
     * that directory ({@link KustomizeOrigins}), and each object's location is that file and line.
     */
    static void parse(String text, String file, String rendered, List<AuditObject> out, List<String> skipped,
            Path originRoot) {
        KustomizeOrigins origins = rendered == null ? null : KustomizeOrigins.create();
        List<Integer> starts = new ArrayList<>();
        List<Object> docs = documents(text, file, rendered, starts);
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
            Object parsed = unmarshal(map, file, line);
            List<HasMetadata> objects = parsed instanceof KubernetesList list ? list.getItems()
                    : parsed instanceof HasMetadata h ? List.of(h) : List.of();
            for (HasMetadata o : objects) {
                String at = file + ":" + line + (rendered != null ? " (" + rendered + ")" : "") + ": " + o.getKind()
                        + (o.getMetadata() != null && o.getMetadata().getName() != null ? " "
                        + o.getMetadata().getName() : "");
                AuditFinding.Source from = origins == null ? source : origins.locate(o, originRoot, source);
                AuditObject read;
                try {
                    read = AuditObject.read(o, from);
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

    /**
     * The documents of one text, each built into maps and lists, their first lines added to {@code starts}; malformed
     * YAML, a key given twice, a recursive alias or aliases that expand too far are input errors naming the line.
     */
    private static List<Object> documents(String text, String file, String rendered, List<Integer> starts) {
        List<Object> docs = new ArrayList<>();
        LoaderOptions options = loaderOptions();
        try {
            // composed once: the node of each document gives its line, and is built into maps and lists from there
            for (Node n : new Yaml(options).composeAll(new StringReader(text))) {
                int line = n == null ? 0 : n.getStartMark().getLine() + 1;
                if (n != null && expandedSize(n, new IdentityHashMap<>(), new HashSet<>()) > MAX_EXPANDED_NODES) {
                    throw ZerodropException.usage(file + ":" + line + (rendered != null ? " (" + rendered + ")" : "")
                            + ": the document expands to more than " + MAX_EXPANDED_NODES + " values through its"
                            + " aliases (*anchor): refused; expected a manifest whose aliases expand to fewer");
                }
                starts.add(line);
                docs.add(n == null ? null : new DocumentConstructor(options).construct(n));
            }
        } catch (ZerodropException e) {
            throw e;
        } catch (DuplicateKey e) {
            throw ZerodropException.usage(file + ":" + (e.key.getStartMark().getLine() + 1) + ":"
                    + (e.key.getStartMark().getColumn() + 1) + (rendered != null ? " (" + rendered + ")" : "")
                    + ": key '" + e.key.getValue() + "' given twice in one mapping (kubectl refuses it too);"
                    + " expected each key once — a missing '---' between two documents?");
        } catch (RecursiveAlias e) {
            throw ZerodropException.usage(file + ":" + e.line + (rendered != null ? " (" + rendered + ")" : "")
                    + ": an alias refers to a value that contains it (a recursive document): no Kubernetes object"
                    + " is recursive");
        } catch (MarkedYAMLException e) {
            var m = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            throw ZerodropException.usage(file + (m == null ? "" : ":" + (m.getLine() + 1) + ":" + (m.getColumn() + 1))
                    + (rendered != null ? " (" + rendered + ")" : "") + ": malformed YAML: " + e.getProblem());
        } catch (RuntimeException e) {
            throw ZerodropException.usage(file + ": malformed YAML: " + e.getMessage());
        }
        return docs;
    }

    /** One document as fabric8 reads it (an object, or a list of them); what it cannot read is an input error. */
    private static Object unmarshal(Map<?, ?> map, String file, int line) {
        try {
            return ObjectJson.SERIALIZATION.unmarshal(ObjectJson.SERIALIZATION.asJson(slim(map)));
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
    }

    /** The kinds whose bodies the checks read; of every other object only its identity and metadata are kept. */
    private static final Set<String> READ_KINDS = Set.of("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet",
            "ReplicationController", "Pod", "Service", "PodDisruptionBudget", "HorizontalPodAutoscaler", "Rollout");

    /**
     * The document as the audit needs it: whole for the kinds it reads and for custom resources (whose spec may hold
     * a pod template); otherwise apiVersion, kind and metadata alone — a CustomResourceDefinition's schema, a
     * ConfigMap's data, a dashboard's JSON are not built into objects no check looks at (kube-prometheus: 5.7 MB,
     * most of it CRD schemas and dashboards) — but a ConfigMap keeps its CoreDNS {@code Corefile} entries, whose
     * lameduck is the app's own delay after SIGTERM ({@link OwnDelay}). A List's items each so.
     */
    private static Map<?, ?> slim(Map<?, ?> doc) {
        Object kind = doc.get("kind");
        if ("List".equals(kind) && doc.get("items") instanceof List<?> items) {
            Map<Object, Object> out = new LinkedHashMap<>(doc);
            out.put("items", items.stream().map(i -> i instanceof Map<?, ?> m ? slim(m) : i).toList());
            return out;
        }
        String apiVersion = String.valueOf(doc.get("apiVersion"));
        String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
        boolean custom = group.contains(".") && !group.endsWith("k8s.io");
        if (READ_KINDS.contains(String.valueOf(kind)) || custom) {
            return doc;
        }
        Map<Object, Object> out = new LinkedHashMap<>();
        out.put("apiVersion", doc.get("apiVersion"));
        out.put("kind", kind);
        if (doc.containsKey("metadata")) {
            out.put("metadata", doc.get("metadata"));
        }
        if ("ConfigMap".equals(kind) && doc.get("data") instanceof Map<?, ?> data) {
            Map<Object, Object> kept = new LinkedHashMap<>();
            data.forEach((k, v) -> {
                if (String.valueOf(k).endsWith("Corefile")) {
                    kept.put(k, v);
                }
            });
            if (!kept.isEmpty()) {
                out.put("data", kept);
            }
        }
        return out;
    }

    /**
     * Values a document may expand to through its aliases before it is refused. Aliases are read without a count
     * limit (charts and kustomize output use many), but a document of nested aliases can expand exponentially
     * ("billion laughs"); real manifests stay far below: kube-prometheus's largest document, a CRD, is ~60,000.
     */
    static final long MAX_EXPANDED_NODES = 5_000_000;

    /**
     * SnakeYAML's defaults refuse what real inputs hold: more than 50 aliases to collections (a chart's anchors
     * reused across many objects), more than 3 MiB in one input ({@code helm template} of a large chart on stdin).
     * The expansion bound above takes the place of the alias count.
     */
    private static LoaderOptions loaderOptions() {
        LoaderOptions o = new LoaderOptions();
        o.setMaxAliasesForCollections(Integer.MAX_VALUE);
        o.setCodePointLimit(Integer.MAX_VALUE);
        return o;
    }

    /** The number of values {@code n} expands to, every alias counted as a copy; a node counted once per path. */
    private static long expandedSize(Node n, Map<Node, Long> done, Set<Node> open) {
        Long known = done.get(n);
        if (known != null) {
            return known;
        }
        if (!open.add(n)) {
            throw new RecursiveAlias(n.getStartMark().getLine() + 1);
        }
        long size = 1;
        if (n instanceof MappingNode m) {
            Set<String> keys = new HashSet<>();
            for (NodeTuple t : m.getValue()) {
                if (t.getKeyNode() instanceof ScalarNode k && !k.getTag().equals(Tag.MERGE)
                        && !keys.add(k.getValue())) {
                    throw new DuplicateKey(k);
                }
                size += expandedSize(t.getKeyNode(), done, open) + expandedSize(t.getValueNode(), done, open);
                if (size > MAX_EXPANDED_NODES) {
                    break;
                }
            }
        } else if (n instanceof SequenceNode sq) {
            for (Node item : sq.getValue()) {
                size += expandedSize(item, done, open);
                if (size > MAX_EXPANDED_NODES) {
                    break;
                }
            }
        }
        open.remove(n);
        done.put(n, size);
        return size;
    }

    /**
     * A key given twice in one mapping (two documents run together without {@code ---}, a patch pasted twice):
     * kubectl refuses it, and which value was meant cannot be known.
     */
    private static final class DuplicateKey extends RuntimeException {
        final ScalarNode key;

        DuplicateKey(ScalarNode key) {
            super(null, null, false, false);
            this.key = key;
        }
    }

    /** A recursive alias, at the line of the value it refers back to. */
    private static final class RecursiveAlias extends RuntimeException {
        final int line;

        RecursiveAlias(int line) {
            super(null, null, false, false);
            this.line = line;
        }
    }

    /** SnakeYAML's safe construction of one composed document (so the text is parsed once, not twice). */
    private static final class DocumentConstructor extends SafeConstructor {
        DocumentConstructor(LoaderOptions options) {
            super(options);
        }

        Object construct(Node n) {
            return constructDocument(n);
        }
    }

    /** Objects read from a cluster: their location is the cluster and namespace. */
    public static List<AuditObject> live(List<HasMetadata> objects, String where) {
        return objects.stream().map(o -> AuditObject.read(o, new AuditFinding.Source(null, 0, where + ", "
                + o.getKind() + " " + o.getMetadata().getName()))).toList();
    }
}
