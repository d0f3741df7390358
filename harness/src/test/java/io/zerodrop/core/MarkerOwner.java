package io.zerodrop.core;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.util.List;

/**
 * A stand-in for a zerodrop run in a child JVM: writes its marker, starts one tagged {@code sleep} (a "pod"), says
 * {@code ready <run id> <pid>} and lives until its stdin closes or it is killed.
 */
public final class MarkerOwner {
    private MarkerOwner() {
    }

    public static void main(String[] args) throws Exception {
        Undo undo = new Undo();
        RunMarker marker = RunMarker.begin(undo);
        ProcessBuilder pb = new ProcessBuilder(List.of("sleep", "300"));
        RunMarker.tag(pb.environment());
        Process pod = pb.start();
        System.out.println("ready " + marker.id() + " " + pod.pid());
        System.out.flush();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in))) {
            while (in.readLine() != null) {
                // lives until told to stop
            }
        }
        undo.close();
    }
}
