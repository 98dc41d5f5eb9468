package org.odomo.crypto;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.0 calls to the platform on the loopback interface from a chosen source address
 * (any of 127.0.0.0/8), so that tests can play callers at different addresses.
 */
final class FromAddress {

    record Response(int status, Map<String, String> headers, String body) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private final String source;
    private final int port;

    FromAddress(String source, int port) {
        this.source = source;
        this.port = port;
    }

    Response get(String path, Map<String, String> headers) {
        return send("GET", path, headers, null, null);
    }

    Response post(String path, Map<String, String> headers, String contentType, String body) {
        return send("POST", path, headers, contentType, body, false);
    }

    /**
     * An HTTP/1.1 GET that asks to keep the connection open, read until the server closes it:
     * fails if the server has not closed it within a few seconds of answering.
     */
    Response getClosing(String path, Map<String, String> headers) {
        return send("GET", path, headers, null, null, true);
    }

    private Response send(String method, String path, Map<String, String> headers, String contentType, String body) {
        return send(method, path, headers, contentType, body, false);
    }

    private Response send(String method, String path, Map<String, String> headers, String contentType, String body,
            boolean keepAlive) {
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(source, 0));
            socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
            socket.setSoTimeout(keepAlive ? 5_000 : 30_000);
            byte[] content = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
            StringBuilder request = new StringBuilder(method).append(' ').append(path)
                    .append(keepAlive ? " HTTP/1.1\r\n" : " HTTP/1.0\r\n")
                    .append("Host: 127.0.0.1:").append(port).append("\r\n");
            if (keepAlive) {
                request.append("Connection: keep-alive\r\n");
            }
            headers.forEach((k, v) -> request.append(k).append(": ").append(v).append("\r\n"));
            if (contentType != null) {
                request.append("Content-Type: ").append(contentType).append("\r\n");
            }
            if (body != null) {
                request.append("Content-Length: ").append(content.length).append("\r\n");
            }
            request.append("\r\n");
            OutputStream out = socket.getOutputStream();
            out.write(request.toString().getBytes(StandardCharsets.US_ASCII));
            out.write(content);
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            try {
                in.transferTo(all);
            } catch (SocketTimeoutException e) {
                throw new AssertionError("the server kept the connection open after answering: " + all, e);
            }
            String text = all.toString(StandardCharsets.UTF_8);
            int end = text.indexOf("\r\n\r\n");
            String[] lines = text.substring(0, end).split("\r\n");
            Map<String, String> answerHeaders = new LinkedHashMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                answerHeaders.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                        lines[i].substring(colon + 1).trim());
            }
            String answer = text.substring(end + 4);
            if ("chunked".equalsIgnoreCase(answerHeaders.get("transfer-encoding"))) {
                answer = dechunk(answer);
            }
            return new Response(Integer.parseInt(lines[0].split(" ")[1]), answerHeaders, answer);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The body of a chunked answer (ASCII-safe: sizes count bytes, and these answers are JSON in ASCII). */
    private static String dechunk(String chunked) {
        StringBuilder body = new StringBuilder();
        int at = 0;
        while (true) {
            int lineEnd = chunked.indexOf("\r\n", at);
            int size = Integer.parseInt(chunked.substring(at, lineEnd).split(";")[0].trim(), 16);
            if (size == 0) {
                return body.toString();
            }
            body.append(chunked, lineEnd + 2, lineEnd + 2 + size);
            at = lineEnd + 2 + size + 2;
        }
    }
}
