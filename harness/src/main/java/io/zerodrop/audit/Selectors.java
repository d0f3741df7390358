package io.zerodrop.audit;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Service;
import java.util.List;
import java.util.Map;

/** Which pods a selector selects, by the pods' labels, as the API defines it for each kind of selector. */
final class Selectors {
    private Selectors() {
    }

    /** core/v1 Service selector semantics: a Service without a selector (or an empty one) selects no pod. */
    static boolean selects(Service s, Map<String, String> labels) {
        Map<String, String> sel = s.getSpec() == null ? null : s.getSpec().getSelector();
        return sel != null && !sel.isEmpty() && labels.entrySet().containsAll(sel.entrySet());
    }

    /**
     * policy/v1 selector semantics: matchLabels AND every matchExpression must hold; a null selector selects
     * nothing, an empty one ({@code {}}) every pod of the namespace.
     */
    static boolean selects(LabelSelector sel, Map<String, String> labels) {
        if (sel == null) {
            return false;
        }
        boolean byLabels = sel.getMatchLabels() == null || labels.entrySet().containsAll(sel.getMatchLabels()
                .entrySet());
        boolean byExpressions = sel.getMatchExpressions() == null || sel.getMatchExpressions().stream().allMatch(e -> {
            List<String> values = e.getValues() == null ? List.of() : e.getValues();
            return switch (e.getOperator()) {
                case "In" -> labels.containsKey(e.getKey()) && values.contains(labels.get(e.getKey()));
                case "NotIn" -> !labels.containsKey(e.getKey()) || !values.contains(labels.get(e.getKey()));
                case "Exists" -> labels.containsKey(e.getKey());
                case "DoesNotExist" -> !labels.containsKey(e.getKey());
                default -> false;
            };
        });
        return byLabels && byExpressions;
    }
}
