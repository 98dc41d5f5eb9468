package org.odomo.api;

import java.util.Map;

import org.springframework.boot.webmvc.error.ErrorController;
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

    private static final Map<Integer, String> MESSAGES = Map.of(400, "bad request", 401, "authentication required",
            403, "forbidden", 404, "no such resource", 405, "method not allowed", 415, "unsupported media type",
            500, "internal error");

    @RequestMapping("/error")
    ResponseEntity<ApiError> error(HttpServletRequest request) {
        Object status = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        int code = status instanceof Integer s ? s : 500;
        ApiErrorCode error = ApiErrorCode.forStatus(code);
        return ResponseEntity.status(code).body(ApiError.of(error, MESSAGES.getOrDefault(code, "error")));
    }
}
