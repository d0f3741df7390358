package io.zerodrop.timeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zerodrop.verdict.EvictionStats;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TimelineTest {
    static final long T = 1_800_000_000_000L;

    /** An eviction refused every 100 ms for an hour: 36,000 refusals, a report that stays small, a count that is exact. */
    @Test
    void eventsOfOneKindPastTheCapAreCountedNotListedAndCountsStayExact() {
        Timeline t = new Timeline();
        for (int i = 0; i < 36_000; i++) {
            t.add(TimelineEvent.of(T + i * 100L, EventType.EVICTION_REFUSED, "pod-a", "evict-1",
                    "429 DisruptionBudget: needs 3 healthy pods and has 3 (attempt " + (i + 1) + ")"));
        }
        t.add(TimelineEvent.of(T + 7, EventType.EVICTION_REFUSED, "pod-b", "evict-1", "429 once"));

        List<TimelineEvent> all = t.events();

        assertThat(all).hasSize(Timeline.CAP + 1 + 1);
        TimelineEvent standIn = all.get(all.size() - 1);
        assertThat(standIn.pod()).isEqualTo("pod-a");
        assertThat(standIn.atMs()).isEqualTo(T + 35_999 * 100L);
        assertThat(standIn.attributesByKey()).containsEntry("represents", String.valueOf(36_000 - Timeline.CAP));
        assertThat(standIn.detail()).startsWith("(35500 more EVICTION_REFUSED event(s) of pod-a past the first 500 are"
                + " counted, not listed; the last:)").endsWith("(attempt 36000)");
        assertThat(all.stream().mapToLong(Timeline::count).sum()).isEqualTo(36_001);

        EvictionStats stats = EvictionStats.from(all);
        assertThat(stats.refusals()).isEqualTo(36_001);
        assertThat(stats.lastRefusal()).endsWith("(attempt 36000)");
    }

    @Test
    void belowTheCapEveryEventIsListedAsItCame() {
        Timeline t = new Timeline();
        for (int i = 0; i < Timeline.CAP; i++) {
            t.add(TimelineEvent.of(T + i, EventType.EVICTION_REFUSED, "pod-a", "evict-1", "n" + i));
        }
        assertThat(t.events()).hasSize(Timeline.CAP).allMatch(e -> Timeline.count(e) == 1);
    }

    @Test
    void anAttributeWithoutAValueIsRefusedNamingIt() {
        Map<Attribute, String> a = new HashMap<>();
        a.put(Attribute.EXIT_CODE, null);
        assertThatThrownBy(() -> new TimelineEvent(1_000, EventType.CONTAINER_EXITED, "web-1", "", "", a))
                .hasMessage("event CONTAINER_EXITED: attribute exitCode has no value");
    }
}
