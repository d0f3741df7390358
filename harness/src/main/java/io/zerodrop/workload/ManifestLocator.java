package io.zerodrop.workload;

import com.fasterxml.jackson.databind.JsonMappingException;
import java.io.StringReader;
import java.util.List;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Where in the YAML text a field the Kubernetes model refused is: the model's error names a path of fields
 * (spec → replicas), the YAML nodes know their lines. Used to turn "byte offset #UNKNOWN" into file:line:column.
 */
final class ManifestLocator {
    private ManifestLocator() {
    }

    /**
     * ":L:C: Deployment x: spec.replicas is \"three\"" for the failing field (to follow a file name), or
     * ": Deployment: spec.replicas" when the text cannot be matched to it.
     */
    static String locate(String yaml, JsonMappingException e) {
        List<JsonMappingException.Reference> path = e.getPath();
        if (path.isEmpty()) {
            return ":";
        }
        String kind = path.get(0).getFrom() instanceof Class<?> c ? c.getSimpleName()
                : path.get(0).getFrom() != null ? path.get(0).getFrom().getClass().getSimpleName() : "";
        StringBuilder dotted = new StringBuilder();
        for (JsonMappingException.Reference r : path) {
            if (r.getFieldName() != null) {
                dotted.append(dotted.length() == 0 ? "" : ".").append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                dotted.append('[').append(r.getIndex()).append(']');
            }
        }
        try {
            for (Node doc : new Yaml(new LoaderOptions()).composeAll(new StringReader(yaml))) {
                if (!(doc instanceof MappingNode m) || !kind.equals(scalar(m, "kind"))) {
                    continue;
                }
                Node at = doc;
                for (JsonMappingException.Reference r : path) {
                    at = r.getFieldName() != null ? child(at, r.getFieldName()) : item(at, r.getIndex());
                    if (at == null) {
                        break;
                    }
                }
                if (at != null) {
                    String value = at instanceof ScalarNode s ? " is \"" + s.getValue() + "\"" : "";
                    return ":" + (at.getStartMark().getLine() + 1) + ":" + (at.getStartMark().getColumn() + 1) + ": "
                            + kind + " " + name(m) + ": " + dotted + value;
                }
            }
        } catch (RuntimeException unparsable) {
            // the text itself is not YAML: the path is all there is to say
        }
        return ": " + kind + ": " + dotted;
    }

    private static String name(MappingNode doc) {
        Node meta = child(doc, "metadata");
        String n = meta == null ? null : scalar(meta, "name");
        return n == null ? "" : n;
    }

    private static String scalar(Node map, String key) {
        Node v = child(map, key);
        return v instanceof ScalarNode s ? s.getValue() : null;
    }

    private static Node child(Node map, String key) {
        if (map instanceof MappingNode m) {
            for (NodeTuple t : m.getValue()) {
                if (t.getKeyNode() instanceof ScalarNode k && k.getValue().equals(key)) {
                    return t.getValueNode();
                }
            }
        }
        return null;
    }

    private static Node item(Node seq, int index) {
        return seq instanceof SequenceNode s && index >= 0 && index < s.getValue().size() ? s.getValue().get(index)
                : null;
    }
}
