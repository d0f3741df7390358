package io.zerodrop.runtime.local;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The Service address, as kube-proxy makes it: each <em>new</em> connection goes to one ready endpoint (round
 * robin), and stays pinned to that backend for its whole life, whatever the endpoints do afterwards.
 *
 * <p>A userspace proxy, so it works unprivileged. Its one difference from kube-proxy's iptables DNAT: the client's
 * connect has already succeeded when the backend is chosen, so a backend that refuses (nothing listening) or
 * no ready endpoint at all reaches the client as a reset (RESET) instead of a refused connect (REFUSED). Closes
 * and resets of either side are passed on as they happen.
 */
final class ServiceProxy implements ServiceFront {
    private final ServerSocket server;
    private final EndpointTable endpoints;
    private final ExecutorService pumps = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "zerodrop-proxy");
        t.setDaemon(true);
        return t;
    });
    private final AtomicLong next = new AtomicLong();
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    ServiceProxy(String vip, int port, EndpointTable endpoints) throws IOException {
        this.endpoints = endpoints;
        this.server = new ServerSocket();
        server.setReuseAddress(true);
        try {
            server.bind(new InetSocketAddress(InetAddress.getByName(vip), port), 1024);
        } catch (IOException e) {
            server.close();
            throw e;
        }
        Thread acceptor = new Thread(this::acceptLoop, "zerodrop-proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    @Override
    public int port() {
        return server.getLocalPort();
    }

    @Override
    public void apply(List<EndpointTable.Backend> ready) {
        // reads the endpoint table for every new connection
    }

    @Override
    public List<String> routed() {
        return endpoints.readyBackends().stream().map(EndpointTable.Backend::address).toList();
    }

    @Override
    public List<String> launcher() {
        return List.of();
    }

    @Override
    public String describe() {
        return "userspace TCP proxy: new connections round-robin over ready endpoints, established connections"
                + " pinned; a refused backend or no ready endpoint reaches the client as a reset";
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket client = server.accept();
                pumps.execute(() -> connect(client));
            } catch (IOException e) {
                if (closed) {
                    return;
                }
            }
        }
    }

    private void connect(Socket client) {
        List<EndpointTable.Backend> ready = endpoints.readyBackends();
        if (ready.isEmpty()) {
            reset(client);
            return;
        }
        EndpointTable.Backend b = ready.get((int) (next.getAndIncrement() % ready.size()));
        Socket backend = new Socket();
        try {
            client.setTcpNoDelay(true);
            backend.setTcpNoDelay(true);
            backend.connect(new InetSocketAddress(b.ip(), b.port()), 2000);
        } catch (IOException refused) {
            reset(client);
            closeQuietly(backend);
            return;
        }
        open.add(client);
        open.add(backend);
        AtomicInteger directions = new AtomicInteger(2);
        pumps.execute(() -> pump(backend, client, directions));
        pump(client, backend, directions);
    }

    /**
     * Copies one direction until end of stream, passed on as a half-close (FIN), or until a reset or error, passed
     * on as a reset of the other side. The pair is closed when both directions are done.
     */
    private void pump(Socket from, Socket to, AtomicInteger directions) {
        byte[] buf = new byte[16 * 1024];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            int n;
            while ((n = in.read(buf)) != -1) {
                out.write(buf, 0, n);
                out.flush();
            }
            to.shutdownOutput();
            if (directions.decrementAndGet() == 0) {
                closeBoth(from, to);
            }
        } catch (IOException e) {
            directions.set(0);
            reset(to);
            reset(from);
        }
    }

    private void closeBoth(Socket a, Socket b) {
        closeQuietly(a);
        closeQuietly(b);
    }

    /** Closes with RST (SO_LINGER 0): the client sees a reset, as from a dying backend. */
    private void reset(Socket s) {
        try {
            s.setSoLinger(true, 0);
        } catch (IOException ignored) {
            // closed already
        }
        closeQuietly(s);
    }

    private void closeQuietly(Socket s) {
        open.remove(s);
        try {
            s.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // nothing to do
        }
        for (Socket s : open) {
            closeQuietly(s);
        }
        pumps.shutdownNow();
    }
}
