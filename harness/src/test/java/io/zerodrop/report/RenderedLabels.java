package io.zerodrop.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import io.zerodrop.testsupport.Headless;
import java.nio.file.Path;

/**
 * Asks a real headless Chromium where every label of report.html's chart and pod lanes landed (their rendered
 * boxes), and whether any two overlap: a copy of the page gets a script that measures and writes the answer into
 * the DOM, which Chromium dumps. The report itself carries no script.
 */
public final class RenderedLabels {
    private RenderedLabels() {
    }

    /** Asserts that no two labels of the chart or the lanes overlap; returns how many were measured. */
    public static int assertNoOverlap(Path chromium, Path html, Path work) throws Exception {
        String page = Files.readString(html);
        String probe = "<script>(function(){var ts=[].slice.call(document.querySelectorAll('#chart text,"
                + " #lanes text'));var bs=ts.map(function(t){var b=t.getBoundingClientRect();return {l:b.left,"
                + "t:b.top,r:b.right,b:b.bottom,s:t.textContent};}).filter(function(b){return b.r>b.l;});var o=[];"
                + "for(var i=0;i<bs.length;i++){for(var j=i+1;j<bs.length;j++){var a=bs[i],c=bs[j];"
                + "if(a.l<c.r-0.5&&c.l<a.r-0.5&&a.t<c.b-0.5&&c.t<a.b-0.5){o.push(a.s+' | '+c.s);}}}"
                + "var p=document.createElement('pre');p.id='label-check';p.textContent='labels='+bs.length+"
                + "' overlaps='+o.length+' '+o.slice(0,10).join(' ; ');document.body.appendChild(p);})();</script>";
        Path copy = work.resolve("labels-" + html.getFileName());
        Files.writeString(copy, page.replace("</body>", probe + "</body>"));
        Headless.Result r = Headless.run(chromium, work, "--hide-scrollbars", "--window-size=1400,900", "--dump-dom",
                copy.toUri().toString());
        Files.writeString(work.resolve("chromium-labels.err"), r.err());
        String dom = r.out();
        int pre = dom.indexOf("id=\"label-check\">");
        assertThat(pre).as("the measuring script ran").isPositive();
        int at = dom.indexOf("labels=", pre);
        String result = dom.substring(at, dom.indexOf("</pre>", at));
        assertThat(result).as("rendered labels that overlap").contains(" overlaps=0 ");
        return Integer.parseInt(result.substring("labels=".length(), result.indexOf(' ')));
    }
}
