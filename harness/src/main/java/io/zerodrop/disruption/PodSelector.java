package io.zerodrop.disruption;

import io.zerodrop.core.ZerodropException;
import io.zerodrop.runtime.PodInfo;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/** Which live pods a disruption takes: random (seeded), oldest, newest, or by name; a count or a percentage. */
public record PodSelector(Mode mode, String name, int count, Integer percent, long seed) {
    /** How pods are chosen. */
    public enum Mode { RANDOM, OLDEST, NEWEST, NAME }

    public PodSelector {
        if (mode == Mode.NAME && (name == null || name.isBlank())) {
            throw ZerodropException.usage("pod selection by name needs a pod name");
        }
        if (percent != null && (percent < 1 || percent > 100)) {
            throw ZerodropException.usage("pod selection percent " + percent + " is invalid: expected 1 to 100");
        }
        if (percent == null && count < 1) {
            throw ZerodropException.usage("pod selection count " + count + " is invalid: expected 1 or more");
        }
    }

    public static PodSelector random(int count, long seed) {
        return new PodSelector(Mode.RANDOM, null, count, null, seed);
    }

    /** Picks from the live pods (oldest first); {@code occurrence} varies the random choice between repeats. */
    public List<String> select(List<PodInfo> live, int occurrence) {
        if (mode == Mode.NAME) {
            if (live.stream().noneMatch(p -> p.name().equals(name))) {
                throw ZerodropException.usage("no live pod named \"" + name + "\" (live: "
                        + live.stream().map(PodInfo::name).toList() + ")");
            }
            return List.of(name);
        }
        int n = percent != null ? (int) Math.max(1, Math.floor(live.size() * percent / 100.0)) : count;
        n = Math.min(n, live.size());
        List<String> names = new ArrayList<>(live.stream().map(PodInfo::name).toList());
        return switch (mode) {
            case OLDEST -> names.subList(0, n);
            case NEWEST -> names.subList(names.size() - n, names.size());
            default -> {
                Collections.shuffle(names, new Random(seed * 31 + occurrence));
                yield names.subList(0, n);
            }
        };
    }

    public String describe() {
        String how = percent != null ? percent + " %" : String.valueOf(count);
        return mode == Mode.NAME ? "pod " + name : how + " " + mode.name().toLowerCase(Locale.ROOT) + " pod(s)";
    }
}
