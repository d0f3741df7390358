package io.zerodrop.audit;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * What an audit read and what it passed over: how many objects, of which the workloads, Services and budgets the
 * checks looked at; the objects that run pods the audit does not read, each with the reason; and the objects read
 * as another API version than the one they were written in. Every output says these, so a pass is never silent
 * about what it did not check.
 */
public record AuditScope(int objects, int workloads, int services, int budgets, List<Entry> notAudited,
        List<Entry> readAs, Map<String, Long> kinds) {

    /** One object and what is said of it. */
    public record Entry(String object, AuditFinding.Source location, String why) {
        @Override
        public String toString() {
            return object + " (" + location + "): " + why;
        }
    }

    public static AuditScope of(AuditContext c) {
        List<Entry> notAudited = c.notAudited().stream().map(e -> new Entry(e.getKey().ref(), e.getKey().source(),
                e.getValue())).toList();
        List<Entry> readAs = c.objects().stream().filter(o -> o.readAs() != null).map(o -> new Entry(o.ref(),
                o.source(), LegacyVersions.note(o.readAs(), o.kind()))).toList();
        Map<String, Long> kinds = c.objects().stream().collect(Collectors.groupingBy(AuditObject::kind,
                TreeMap::new, Collectors.counting()));
        return new AuditScope(c.objects().size(), c.workloads().size(), c.services().size(), c.budgets().size(),
                notAudited, readAs, kinds);
    }

    /** The kinds of workload the audit reads: "Deployment, StatefulSet, …". */
    public static String auditedKinds() {
        return WorkloadKinds.names();
    }

    /** Whether no check had anything to look at: no workload, Service or budget. */
    public boolean auditedNothing() {
        return workloads + services + budgets == 0;
    }

    /** "14 object(s): 3 workload(s), 2 Service(s), 1 PodDisruptionBudget(s); 1 not audited". */
    public String summary() {
        return objects + " object(s): " + workloads + " workload(s), " + services + " Service(s), " + budgets
                + " PodDisruptionBudget(s)" + (notAudited.isEmpty() ? "" : "; " + notAudited.size()
                + " object(s) running pods not audited");
    }

    /** "2 ConfigMap, 1 Job": what was read, by kind. */
    public String kindsRead() {
        return String.join(", ", kinds.entrySet().stream().map(e -> e.getValue() + " " + e.getKey()).toList());
    }
}
