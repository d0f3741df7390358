package io.zerodrop.targetapp;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;

/**
 * Routes: {@code /} small body; {@code /work?ms=N} answers after N ms; {@code /healthz}, {@code /readyz} and
 * {@code /metrics} are probes (counted apart from traffic). Every traffic request is settled in the ledger.
 */
final class AppHandler extends Handler.Abstract {
    private final Config config;
    private final AppState state;
    private final Ledger ledger;
    private final ConnectionTracker connections;
    private final String servedBy;

    AppHandler(Config config, AppState state, Ledger ledger, ConnectionTracker connections, String servedBy) {
        this.config = config;
        this.state = state;
        this.ledger = ledger;
        this.connections = connections;
        this.servedBy = servedBy;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String path = Request.getPathInContext(request);
        switch (path) {
            case "/healthz" -> probe(response, callback, 200, "ok\n");
            case "/readyz" -> probe(response, callback, state.ready() ? 200 : 503, state.phase().label() + "\n");
            case "/metrics" -> probe(response, callback, 200,
                    Metrics.render(state, ledger, connections));
            default -> traffic(request, response, callback, path);
        }
        return true;
    }

    private void probe(Response response, Callback callback, int status, String body) {
        ledger.probe();
        send(response, status, body, callback);
    }

    private void traffic(Request request, Response response, Callback callback, String path) {
        String id = request.getHeaders().get(RequestLog.HEADER);
        Ledger.Entry entry = ledger.begin(RequestLog.validId(id) ? id : null);
        Connection connection = request.getConnectionMetaData().getConnection();
        connections.requestStarted(connection);
        Callback settling = new Callback() {
            @Override
            public void succeeded() {
                connections.requestEnded(connection);
                int status = response.getStatus();
                ledger.settle(entry, status < 400 ? Ledger.Outcome.OK : Ledger.Outcome.ERROR, status);
                callback.succeeded();
            }

            @Override
            public void failed(Throwable x) {
                connections.requestEnded(connection);
                ledger.settle(entry, state.terminating() ? Ledger.Outcome.CUT : Ledger.Outcome.CLIENT_ABORTED, 0);
                callback.failed(x);
            }
        };
        if (path.equals("/")) {
            send(response, 200, "ok " + servedBy + "\n", settling);
        } else if (path.equals("/work")) {
            work(request, response, settling);
        } else {
            send(response, 404, "no route " + path + "\n", settling);
        }
    }

    private void work(Request request, Response response, Callback settling) {
        Fields query = Request.extractQueryParameters(request);
        String raw = query.getValue("ms");
        long ms;
        try {
            ms = raw == null ? 0 : Long.parseLong(raw);
        } catch (NumberFormatException e) {
            send(response, 400, "ms=\"" + raw + "\" is not a whole number of milliseconds\n", settling);
            return;
        }
        if (ms < 0 || ms > config.workMaxMs()) {
            send(response, 400, "ms=" + ms + " is outside 0.." + config.workMaxMs() + " (WORK_MAX_MS)\n", settling);
            return;
        }
        String body = "worked " + ms + " ms " + servedBy + "\n";
        if (ms == 0) {
            send(response, 200, body, settling);
        } else {
            request.getComponents().getScheduler().schedule(
                    () -> send(response, 200, body, settling), ms, TimeUnit.MILLISECONDS);
        }
    }

    private void send(Response response, int status, String body, Callback callback) {
        if (!state.beginWrite()) {
            // stopped: the process is going away; close the connection under the request (a failed callback alone
            // would make Jetty answer 500, which a dying app never does)
            response.getRequest().getConnectionMetaData().getConnection().getEndPoint().close();
            callback.failed(new IOException("target-app stopped before answering"));
            return;
        }
        Callback done = Callback.from(state::endWrite, callback);
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, bytes.length);
        response.getHeaders().put("X-Served-By", servedBy);
        if (state.closeConnectionsAfterAnswer()) {
            response.getHeaders().put(HttpHeader.CONNECTION, "close");
        }
        response.write(true, ByteBuffer.wrap(bytes), done);
    }
}
