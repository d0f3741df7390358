package io.zerodrop.traffic;

import io.zerodrop.core.ExitCodes;
import io.zerodrop.core.ZerodropException;
import java.util.Optional;

/**
 * SIGINT or SIGTERM stopped the load: exit 130, and what the load generator had written by then, for the report to
 * keep. The logs may end in the middle of a record; they are read up to the last whole one.
 */
public final class LoadInterrupted extends ZerodropException {
    private static final long serialVersionUID = 1L;
    private final transient LoadResult partial;

    public LoadInterrupted(LoadResult partial) {
        super(ExitCodes.INTERRUPTED, "interrupted while the load ran");
        this.partial = partial;
    }

    /** What the generators had written when they were stopped; empty when nothing was. */
    public Optional<LoadResult> partial() {
        return Optional.ofNullable(partial);
    }
}
