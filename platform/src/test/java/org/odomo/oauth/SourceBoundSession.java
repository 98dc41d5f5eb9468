package org.odomo.oauth;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A browser-like HTTP/1.1 client whose connections leave from a chosen loopback address
 * (127.0.0.2, 127.0.0.3, ...), so that tests can play several source addresses against the
 * server over real HTTP. Keeps cookies, follows nothing by itself. The JDK's HttpClient cannot
 * choose its local address on Java 17, hence plain sockets.
 */
final class SourceBoundSession {

    record Response(int status, Map<String, String> headers, String body) {
        String location() {
            String location = headers.get("location");
            if (location == null) {
                throw new AssertionError("expected a redirect, got " + status + ": " + body);
            }
            return location;
        }

        /** The location's path and query, whatever host the server wrote. */
        String locationPath() {
            String location = location();
            int scheme = location.indexOf("://");
            return scheme < 0 ? location : location.substring(location.indexOf('/', scheme + 3));
        }
    }

    private final InetAddress local;
    private final int port;
    private final Map<String, String> cookies = new LinkedHashMap<>();

    SourceBoundSession(String localAddress, int port) {
        try {
            this.local = InetAddress.getByName(localAddress);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        this.port = port;
    }

    Response get(String path) {
        return send("GET", path, null);
    }

    Response postForm(String path, Map<String, String> form) {
        return send("POST", path, WebSession.encode(form));
    }

    /** Opens the login page of a realm and logs in with its CSRF token; answers the login's redirect. */
    Response logIn(String realm, String email, String password) {
        Response page = get("/am/login?realm=" + realm);
        if (page.status() != 200) {
            throw new AssertionError("login page: " + page.status());
        }
        return postForm("/am/login", Map.of("email", email, "password", password, "realm", realm, "_csrf",
                WebSession.csrf(page.body())));
    }

    private Response send(String method, String path, String body) {
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(local, 0));
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 10_000);
            socket.setSoTimeout(30_000);
            byte[] content = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
            StringBuilder request = new StringBuilder();
            request.append(method).append(' ').append(path).append(" HTTP/1.1\r\n")
                    .append("Host: localhost:").append(port).append("\r\n")
                    .append("Accept: text/html\r\n")
                    .append("Connection: close\r\n");
            if (!cookies.isEmpty()) {
                request.append("Cookie: ");
                cookies.forEach((name, value) -> request.append(name).append('=').append(value).append("; "));
                request.setLength(request.length() - 2);
                request.append("\r\n");
            }
            if (body != null) {
                request.append("Content-Type: application/x-www-form-urlencoded\r\n")
                        .append("Content-Length: ").append(content.length).append("\r\n");
            }
            request.append("\r\n");
            OutputStream out = socket.getOutputStream();
            out.write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.write(content);
            out.flush();
            return parse(socket.getInputStream().readAllBytes());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private Response parse(byte[] raw) throws IOException {
        String text = new String(raw, StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        String[] lines = text.substring(0, end).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            String name = lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = lines[i].substring(colon + 1).trim();
            if (name.equals("set-cookie")) {
                String pair = value.split(";", 2)[0];
                int eq = pair.indexOf('=');
                cookies.put(pair.substring(0, eq), pair.substring(eq + 1));
            }
            headers.merge(name, value, (a, b) -> a + ", " + b);
        }
        byte[] bodyBytes = java.util.Arrays.copyOfRange(raw, end + 4, raw.length);
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            bodyBytes = dechunk(new java.io.ByteArrayInputStream(bodyBytes));
        }
        return new Response(status, headers, new String(bodyBytes, StandardCharsets.UTF_8));
    }

    private static byte[] dechunk(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (true) {
            StringBuilder size = new StringBuilder();
            int c;
            while ((c = in.read()) != '\n') {
                if (c < 0) {
                    return out.toByteArray();
                }
                if (c != '\r') {
                    size.append((char) c);
                }
            }
            int length = Integer.parseInt(size.toString().split(";")[0].trim(), 16);
            if (length == 0) {
                return out.toByteArray();
            }
            out.write(in.readNBytes(length));
            in.read();
            in.read(); // CRLF after the chunk
        }
    }
}
