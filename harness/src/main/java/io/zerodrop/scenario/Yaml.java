package io.zerodrop.scenario;

import io.zerodrop.core.Durations;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * A typed walk over a YAML document that keeps every value's position: each accessor names the key path and
 * the expected form in its error, with file, line and column (1-based). Unknown keys are errors.
 */
final class Yaml {

    /** A mapping node with the keys its reader has declared. */
    final class Map_ {
        private final MappingNode node;
        private final String path;
        private final Map<String, NodeTuple> entries = new LinkedHashMap<>();

        Map_(MappingNode node, String path) {
            this.node = node;
            this.path = path;
            for (NodeTuple t : node.getValue()) {
                if (!(t.getKeyNode() instanceof ScalarNode k)) {
                    throw error(t.getKeyNode(), "a key in " + where() + " is not a plain word");
                }
                if (entries.put(k.getValue(), t) != null) {
                    throw error(k, "key '" + k.getValue() + "' appears twice in " + where());
                }
            }
        }

        private String where() {
            return path.isEmpty() ? "the scenario" : "'" + path + "'";
        }

        /** Fails on any key outside {@code allowed}. */
        Map_ only(String... allowed) {
            Set<String> ok = Set.of(allowed);
            for (Map.Entry<String, NodeTuple> e : entries.entrySet()) {
                if (!ok.contains(e.getKey())) {
                    throw error(e.getValue().getKeyNode(), "unknown key '" + e.getKey() + "' in " + where()
                            + "; expected one of: " + String.join(", ", allowed));
                }
            }
            return this;
        }

        boolean has(String key) {
            return entries.containsKey(key);
        }

        private Node value(String key) {
            NodeTuple t = entries.get(key);
            return t == null ? null : t.getValueNode();
        }

        /** The key's whole path in the file, as errors name it, e.g. {@code settings.rollingUpdate.maxSurge}. */
        String p(String key) {
            return path.isEmpty() ? key : path + "." + key;
        }

        Map_ map(String key) {
            Node v = value(key);
            if (v == null) {
                throw error(node, "missing '" + p(key) + "' (a mapping)");
            }
            if (!(v instanceof MappingNode m)) {
                throw error(v, "'" + p(key) + "' must be a mapping of keys to values");
            }
            return new Map_(m, p(key));
        }

        Map_ mapOrEmpty(String key) {
            return has(key) ? map(key) : new Map_(new MappingNode(Tag.MAP, List.of(),
                    DumperOptions.FlowStyle.BLOCK),
                    p(key));
        }

        List<Map_> listOfMaps(String key) {
            Node v = value(key);
            if (v == null) {
                return List.of();
            }
            if (!(v instanceof SequenceNode seq)) {
                throw error(v, "'" + p(key) + "' must be a list");
            }
            List<Map_> out = new ArrayList<>();
            int i = 0;
            for (Node item : seq.getValue()) {
                if (!(item instanceof MappingNode m)) {
                    throw error(item, "item " + (i + 1) + " of '" + p(key) + "' must be a mapping");
                }
                out.add(new Map_(m, p(key) + "[" + i++ + "]"));
            }
            return out;
        }

        List<String> strings(String key, List<String> dflt) {
            Node v = value(key);
            if (v == null) {
                return dflt;
            }
            if (v instanceof ScalarNode s) {
                return List.of(s.getValue());
            }
            if (!(v instanceof SequenceNode seq)) {
                throw error(v, "'" + p(key) + "' must be a list of strings");
            }
            List<String> out = new ArrayList<>();
            for (Node item : seq.getValue()) {
                if (!(item instanceof ScalarNode s)) {
                    throw error(item, "items of '" + p(key) + "' must be strings");
                }
                out.add(s.getValue());
            }
            return out;
        }

        Map<String, String> stringMap(String key) {
            Map<String, String> out = new LinkedHashMap<>();
            if (!has(key)) {
                return out;
            }
            Map_ m = map(key);
            for (Map.Entry<String, NodeTuple> e : m.entries.entrySet()) {
                if (!(e.getValue().getValueNode() instanceof ScalarNode s)) {
                    throw error(e.getValue().getValueNode(), "'" + m.p(e.getKey()) + "' must be a string");
                }
                out.put(e.getKey(), s.getValue());
            }
            return out;
        }

        String string(String key, String dflt) {
            Node v = value(key);
            if (v == null) {
                if (dflt == null) {
                    throw error(node, "missing '" + p(key) + "'");
                }
                return dflt;
            }
            if (!(v instanceof ScalarNode s)) {
                throw error(v, "'" + p(key) + "' must be a single value");
            }
            return s.getValue();
        }

        String oneOf(String key, String dflt, String... allowed) {
            String v = string(key, dflt);
            if (!List.of(allowed).contains(v)) {
                throw error(value(key), "'" + p(key) + "' is \"" + v + "\"; expected one of: "
                        + String.join(", ", allowed));
            }
            return v;
        }

        double number(String key, Double dflt, double min, double max) {
            if (!has(key) && dflt != null) {
                return dflt;
            }
            String raw = string(key, null);
            try {
                double d = Double.parseDouble(raw);
                if (d < min || d > max || Double.isNaN(d)) {
                    throw new NumberFormatException();
                }
                return d;
            } catch (NumberFormatException e) {
                throw error(value(key), "'" + p(key) + "' is \"" + raw + "\"; expected a number from "
                        + fmt(min) + " to " + fmt(max));
            }
        }

        Long wholeOrNull(String key, long min, long max) {
            return has(key) ? (long) whole(key, 0L, min, max) : null;
        }

        long whole(String key, Long dflt, long min, long max) {
            if (!has(key) && dflt != null) {
                return dflt;
            }
            String raw = string(key, null);
            try {
                long n = Long.parseLong(raw);
                if (n < min || n > max) {
                    throw new NumberFormatException();
                }
                return n;
            } catch (NumberFormatException e) {
                throw error(value(key), "'" + p(key) + "' is \"" + raw + "\"; expected a whole number from " + min
                        + " to " + max);
            }
        }

        Duration duration(String key, Duration dflt) {
            if (!has(key) && dflt != null) {
                return dflt;
            }
            String raw = string(key, null);
            return Durations.parse(raw).orElseThrow(() -> error(value(key), "'" + p(key) + "' is \""
                    + raw + "\"; expected a duration: " + Durations.EXPECTED));
        }

        Duration durationOrNull(String key) {
            return has(key) ? duration(key, null) : null;
        }

        /** An error about the value at {@code key} (or the mapping when the key is absent). */
        ScenarioException at(String key, String message) {
            Node v = value(key);
            return error(v == null ? node : v, message);
        }
    }

    private final Path file;

    private Yaml(Path file) {
        this.file = file;
    }

    static Map_ read(Path file) {
        Yaml y = new Yaml(file);
        Node root;
        try (Reader r = Files.newBufferedReader(file)) {
            root = new org.yaml.snakeyaml.Yaml(new LoaderOptions()).compose(r);
        } catch (MarkedYAMLException e) {
            Mark m = e.getProblemMark();
            throw new ScenarioException(file, m == null ? 1 : m.getLine() + 1, m == null ? 1 : m.getColumn() + 1,
                    "not valid YAML: " + e.getProblem());
        } catch (IOException e) {
            throw new ScenarioException(file, 1, 1, "cannot be read: " + e.getMessage());
        }
        if (!(root instanceof MappingNode m)) {
            throw new ScenarioException(file, 1, 1, "a scenario is a YAML mapping (name, target, traffic, disruptions,"
                    + " expect, ...)");
        }
        return y.new Map_(m, "");
    }

    private ScenarioException error(Node n, String message) {
        Mark m = n == null ? null : n.getStartMark();
        return new ScenarioException(file, m == null ? 1 : m.getLine() + 1, m == null ? 1 : m.getColumn() + 1, message);
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
    }
}
