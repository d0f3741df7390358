package io.zerodrop.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.zerodrop.analysis.AnalysisResult;
import io.zerodrop.analysis.Analyzer;
import io.zerodrop.gatling.RequestRecord;
import io.zerodrop.testsupport.Headless;
import io.zerodrop.testsupport.HostTool;
import io.zerodrop.timeline.Attribute;
import io.zerodrop.timeline.EventType;
import io.zerodrop.timeline.TimelineEvent;
import io.zerodrop.verdict.Expectations;
import io.zerodrop.verdict.Verdict;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** report.html as a person sees it: rendered by a real headless Chromium, screenshot inspected pixel by pixel. */
class HtmlReportInChromiumTest {
    static final long T = 1_800_000_000_000L;

    @TempDir
    Path dir;

    static RunReport reportWithADisruption() {
        List<TimelineEvent> timeline = List.of(
                TimelineEvent.of(T + 4_000, EventType.DISRUPTION_ISSUED, "pod-a", "delete-1", "delete pod-a"),
                TimelineEvent.of(T + 4_000, EventType.POD_MARKED_FOR_DELETION, "pod-a", "delete-1", ""),
                TimelineEvent.of(T + 4_010, EventType.SIGTERM_SENT, "pod-a", "delete-1", ""),
                new TimelineEvent(T + 4_050, EventType.CONTAINER_EXITED, "pod-a", "delete-1", "",
                        Map.of(Attribute.EXIT_CODE, "143")),
                TimelineEvent.of(T + 5_000, EventType.ENDPOINT_REMOVED, "pod-a", "delete-1", ""),
                new TimelineEvent(T + 60_000, EventType.STALE_CONNECTS, "pod-a", "delete-1", "2 new connection(s)",
                        Map.of(Attribute.CONNECTS, "2")));
        Analyzer a = new Analyzer(T, T + 1_000, timeline, 200, 1000);
        for (int i = 0; i < 1600; i++) {
            long s = T + i * 5L;
            boolean fails = s > T + 4_050 && s < T + 5_000 && i % 3 == 0;
            a.accept(new RequestRecord("GET /", s, s + 2, !fails, fails ? "j.n.ConnectException: Connection refused" : ""));
        }
        AnalysisResult result = a.result();
        Verdict v = Verdict.judge(result, Expectations.zeroDrops(), null);
        return new RunReport(new Header("", "traffic", null, "", "http://127.0.0.1/", "", "",
                "", 0, "test-host", "", Map.of()), List.of(), timeline,
                result, Optional.empty(), List.of(), v, Optional.empty());
    }

    @Test
    void aCountMadeAtTeardownIsNeitherAMarkerNorStretchesTheTimeAxis() throws Exception {
        Path html = dir.resolve("report.html");
        HtmlReport.write(reportWithADisruption(), "zerodrop test report", html);
        String page = Files.readString(html);
        String chart = page.substring(page.indexOf("<svg id=\"chart\""), page.indexOf("</svg>", page.indexOf("<svg id=\"chart\"")));
        assertThat(chart).contains("pod-a SIGTERM_SENT").doesNotContain("STALE_CONNECTS");
        // the last request ends just before +8 s: the axis ends there, not at the count made at +60 s
        assertThat(chart).contains(">7s<").doesNotContain(">10s<", ">60s<");
    }

    @Test
    void theChartShowsOkAndFailedRequestsAndThePodEventsOnOneTimeAxis() throws Exception {
        Path chromium = HostTool.require("chromium", "Debian package chromium: apt-get install -y chromium");
        RunReport report = reportWithADisruption();
        Path html = dir.resolve("report.html");
        HtmlReport.write(report, "zerodrop test report", html);
        String page = Files.readString(html);
        assertThat(page).as("self-contained: nothing fetched from anywhere")
                .doesNotContain("<script", "<link", "src=", "href=\"http", "url(");

        Path png = dir.resolve("shot.png");
        run(chromium, "--screenshot=" + png, "--window-size=1200,700", html.toUri().toString());
        BufferedImage img = ImageIO.read(png.toFile());
        assertThat(img.getWidth()).isEqualTo(1200);
        long ok = count(img, 0x2e7d32);
        long failed = count(img, 0xc62828);
        assertThat(ok).as("green OK bars").isGreaterThan(5_000);
        assertThat(failed).as("red failed bars and the FAILED badge").isGreaterThan(300);

        String dom = run(chromium, "--dump-dom", html.toUri().toString());
        assertThat(dom).contains("<svg id=\"chart\"", "class=\"failed\"", "class=\"warmup\"", "class=\"disruption\"",
                "sigterm sent ·a: pod-a SIGTERM_SENT", "exited 143 ·a: pod-a CONTAINER_EXITED",
                "id=\"verdict\" class=\"verdict FAILED\"");
        assertThat(dom.split("class=\"event\"", -1)).hasSizeGreaterThan(5);
        // the termination drawn as a lane on the same axis, its labels apart from one another and from the chart's
        assertThat(dom).contains("<svg id=\"lanes\"", "data-pod=\"pod-a\"", ">SIGTERM<", ">exit 143<",
                ">removed<", "class=\"failure\"");
        assertThat(RenderedLabels.assertNoOverlap(chromium, html, dir)).isGreaterThan(10);
    }

    /** A long run keeps 100 ms at 5 px: the time axis grows instead of squeezing. */
    @Test
    void theTimeAxisKeepsAHundredMillisecondsVisibleOnLongRuns() {
        assertThat(HtmlReport.width(10_000)).isEqualTo(HtmlReport.W);
        assertThat(HtmlReport.width(120_000)).isEqualTo(HtmlReport.PAD_LEFT + 10 + 6_000);
        double pxPer100ms = (HtmlReport.width(120_000) - HtmlReport.PAD_LEFT - 10) / 1200.0;
        assertThat(pxPer100ms).isGreaterThanOrEqualTo(5.0);
    }

    private static long count(BufferedImage img, int rgb) {
        long n = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                if ((img.getRGB(x, y) & 0xffffff) == rgb) {
                    n++;
                }
            }
        }
        return n;
    }

    private String run(Path chromium, String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of("--disable-quic", "--hide-scrollbars"));
        all.addAll(List.of(args));
        Headless.Result r = Headless.run(chromium, dir, all.toArray(String[]::new));
        assertThat(r.exit()).as(r.err()).isZero();
        return r.out();
    }
}
