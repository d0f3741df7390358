package io.zerodrop.ledger;

import java.nio.file.Path;
import java.util.List;

/** Where the servers' own accounts come from: ledger files here, or what a cluster's pods said. */
@FunctionalInterface
public interface LedgerSource {
    /** The servers' accounts, covering everything up to {@code lastRequestMs} where they can. */
    List<LedgerSnapshot> collect(long lastRequestMs);

    /** Ledger files, each read once it covers the last request (waiting at most {@code waitMs} for a live one). */
    static LedgerSource files(List<Path> ledgers, long waitMs) {
        return last -> ledgers.stream().map(l -> LedgerSnapshot.readAfter(l, last, waitMs)).toList();
    }
}
