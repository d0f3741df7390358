package io.zerodrop.findings;

import static org.assertj.core.api.Assertions.assertThat;

import io.zerodrop.analysis.Analyzer;
import io.zerodrop.gatling.RequestRecord;
import io.zerodrop.timeline.Attribute;
import io.zerodrop.timeline.EventType;
import io.zerodrop.timeline.TimelineEvent;
import io.zerodrop.verdict.EvictionStats;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StaleRoutesFindingTest {
    static final long T = 1_800_000_000_000L;

    private static List<TimelineEvent> deletion(long staleConnects) {
        List<TimelineEvent> events = new ArrayList<>(List.of(
                TimelineEvent.of(T + 10_000, EventType.DISRUPTION_ISSUED, "pod-a", "delete-1", ""),
                TimelineEvent.of(T + 10_000, EventType.POD_MARKED_FOR_DELETION, "pod-a", "delete-1", ""),
                TimelineEvent.of(T + 10_010, EventType.SIGTERM_SENT, "pod-a", "delete-1", ""),
                new TimelineEvent(T + 10_050, EventType.CONTAINER_EXITED, "pod-a", "delete-1", "",
                        Map.of(Attribute.EXIT_CODE, "143")),
                TimelineEvent.of(T + 11_000, EventType.ENDPOINT_TERMINATING, "pod-a", "delete-1", "")));
        if (staleConnects > 0) {
            events.add(new TimelineEvent(T + 30_000, EventType.STALE_CONNECTS, "pod-a", "delete-1", "",
                    Map.of(Attribute.CONNECTS, String.valueOf(staleConnects))));
        }
        return events;
    }

    @Test
    void countedStaleConnectsBecomeAWarningThatNamesThePodsTheRefusalsAndTheFix() {
        List<TimelineEvent> events = deletion(3);
        Analyzer a = new Analyzer(T, T + 2_000, events, 100, 100);
        a.accept(new RequestRecord("GET /", T + 18_000, T + 18_000, false, "j.n.ConnectException: Connection refused"));
        a.accept(new RequestRecord("GET /", T + 18_100, T + 18_100, false, "j.n.ConnectException: Connection refused"));
        Finding f = new StaleRoutesRule().diagnose(RunEvidence.measured(events, a.result(), EvictionStats.none(),
                Optional.empty())).get(0);
        assertThat(f.severity()).isEqualTo(Finding.Severity.WARNING);
        assertThat(f.code()).isEqualTo("stale-conntrack-routes");
        assertThat(f.title()).startsWith("3 new connection(s)").contains("{pod-a=3}");
        assertThat(f.detail()).endsWith("(AFTER_EXIT): 2");
        assertThat(f.fix()).contains("preStop", "Connection: close");
    }

    @Test
    void noCountNoFinding() {
        List<TimelineEvent> events = deletion(0);
        assertThat(new StaleRoutesRule().diagnose(RunEvidence.measured(events, new Analyzer(T, T, events, 100, 10)
                .result(), EvictionStats.none(), Optional.empty()))).isEmpty();
    }
}
