package io.zerodrop.timeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Two pods of one name (a StatefulSet's web-1, deleted and recreated) are two pods in the timeline. */
class PodIncarnationsTest {
    static final long T = 1_800_000_000_000L;

    @Test
    void laterPodsOfANameAreNumberedInTheOrderTheirUidsAreSeen() {
        PodIncarnations p = new PodIncarnations();
        assertThat(p.key("web-1", "a")).isEqualTo("web-1");
        assertThat(p.key("web-2", "x")).isEqualTo("web-2");
        assertThat(p.key("web-1", "b")).isEqualTo("web-1#2");
        assertThat(p.key("web-1", "a")).as("the old pod keeps its name").isEqualTo("web-1");
        assertThat(p.key("web-1", null)).as("no uid: the latest").isEqualTo("web-1#2");
        assertThat(p.current("web-1")).isEqualTo("web-1#2");
        assertThat(p.current("web-9")).isEqualTo("web-9");
        assertThat(p.knownKey("web-1", "c")).as("an unknown uid is not taken as a new pod").isNull();
        assertThat(p.key("web-1", "c")).isEqualTo("web-1#3");
        assertThat(PodIncarnations.previous("web-1#3")).isEqualTo("web-1#2");
        assertThat(PodIncarnations.previous("web-1#2")).isEqualTo("web-1");
        assertThat(PodIncarnations.previous("web-1")).isNull();
        assertThat(PodIncarnations.podName("web-1#2")).isEqualTo("web-1");
    }

    /** A request that names only "web-1" reached the new web-1 when it was sent after that pod was created. */
    @Test
    void aRequestNamingAReusedNameReachedThePodOfThatNameAliveWhenItWasSent() {
        PodIncarnations.Resolver r = PodIncarnations.resolver(List.of(
                new TimelineEvent(T + 5_000, EventType.REPLACEMENT_STARTED, "web-1#2", "delete-1", "pod created",
                        Map.of(Attribute.REPLACES, "web-1")),
                TimelineEvent.of(T + 6_000, EventType.REPLACEMENT_STARTED, "web-4", "delete-2", "pod created")));
        assertThat(r.at("web-1", T + 4_999)).isEqualTo("web-1");
        assertThat(r.at("web-1", T + 5_000)).isEqualTo("web-1#2");
        assertThat(r.at("web-4", T + 7_000)).isEqualTo("web-4");
        assertThat(PodIncarnations.Resolver.NONE.at("web-1", T + 9_000)).isEqualTo("web-1");
    }
}
