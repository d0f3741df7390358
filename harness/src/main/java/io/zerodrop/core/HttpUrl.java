package io.zerodrop.core;

import java.net.URI;

/** The one check of a URL the load goes to: http or https, a host, and a port a socket can have (1–65535). */
public final class HttpUrl {
    private HttpUrl() {
    }

    /**
     * Why {@code url} cannot be a load target, or null when it can. The message quotes nothing; callers put it after
     * the option or key and the quoted input.
     */
    public static String problem(String url) {
        URI u;
        try {
            u = new URI(url.trim());
        } catch (Exception e) {
            return "not a URL: expected http://host[:port][/path] or https://…";
        }
        if (u.getScheme() == null || !(u.getScheme().equals("http") || u.getScheme().equals("https"))
                || u.getHost() == null) {
            if (u.getScheme() != null && u.getRawAuthority() != null && u.getHost() == null) {
                return portOrHost(u.getRawAuthority());
            }
            return "invalid: expected http://host[:port][/path] or https://…";
        }
        if (u.getPort() == 0 || u.getPort() > 65_535) {
            return "invalid: port " + u.getPort() + " is out of range; expected 1 to 65535";
        }
        return null;
    }

    /** java.net.URI leaves the host null when the port is not a number it can read: say which part is wrong. */
    private static String portOrHost(String authority) {
        int colon = authority.lastIndexOf(':');
        if (colon > 0 && !authority.endsWith("]")) {
            return "invalid: port \"" + authority.substring(colon + 1) + "\" is not a number from 1 to 65535";
        }
        return "invalid: expected http://host[:port][/path] or https://…";
    }
}
