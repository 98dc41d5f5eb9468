package org.odomo.api;

import java.util.Map;

import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;

/**
 * Errors raised outside the controllers (by the servlet container or a filter) end here: they
 * get the API's error body too, never the framework's default page.
 */
@RestController
class ApiErrorController implements ErrorController {

    /** The methods the API serves; a method the servlet does not implement is one of none of its resources. */
    static final String ALLOWED_METHODS = "GET, HEAD, POST, PUT, DELETE, PATCH, OPTIONS";

    private static final Map<Integer, String> MESSAGES = Map.ofEntries(Map.entry(400, "bad request"),
            Map.entry(401, "authentication required"), Map.entry(403, "forbidden"),
            Map.entry(404, "no such resource"), Map.entry(405, "method not allowed"),
            Map.entry(406, "no acceptable representation"), Map.entry(408, "the request took too long to arrive"),
            Map.entry(411, "a request body needs its length"), Map.entry(413, "the request body is too large"),
            Map.entry(414, "the request URI is too long"), Map.entry(415, "unsupported media type"),
            Map.entry(429, "too many requests"), Map.entry(431, "the request headers are too large"),
            Map.entry(500, "internal error"), Map.entry(503, "service unavailable"));

    static String message(int status) {
        return MESSAGES.getOrDefault(status, status < 500 ? "the request cannot be processed" : "internal error");
    }

    @RequestMapping("/error")
    ResponseEntity<ApiError> error(HttpServletRequest request) {
        Object status = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        int code = status instanceof Integer s ? s : 500;
        if (code == 501) {
            // A method no servlet implements (CONNECT): no resource here takes it.
            return ResponseEntity.status(405).header(HttpHeaders.ALLOW, ALLOWED_METHODS)
                    .contentType(MediaType.APPLICATION_JSON).body(ApiError.ofStatus(405, message(405)));
        }
        return ResponseEntity.status(code).contentType(MediaType.APPLICATION_JSON)
                .body(ApiError.ofStatus(code, message(code)));
    }
}
