package org.odomo.api;

import java.io.IOException;
import java.io.Writer;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.coyote.ActionCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import tools.jackson.databind.json.JsonMapper;

/**
 * The servlet container's own error answers in the API's format. Tomcat refuses some requests
 * before any filter or servlet sees them (an invalid character or encoding in the path, headers
 * over their limit, a CONNECT) and its default valve then writes an HTML page; this one writes
 * the API's error body as JSON instead, for every path.
 */
final class JsonErrorReportValve extends ErrorReportValve {

    private static final Logger log = LoggerFactory.getLogger(JsonErrorReportValve.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    JsonErrorReportValve() {
        setShowReport(false);
        setShowServerInfo(false);
    }

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int status = response.getStatus();
        // The parent's rules: only errors, only when nothing was written (the application's
        // error page already answered), only once.
        if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
            return;
        }
        AtomicBoolean ioAllowed = new AtomicBoolean(false);
        response.getCoyoteResponse().action(ActionCode.IS_IO_ALLOWED, ioAllowed);
        if (!ioAllowed.get()) {
            return;
        }
        if (status == 501) {
            // Tomcat answers a method it implements for no resource (CONNECT) with 501: the
            // resource does not take that method, which is a 405.
            status = 405;
            response.setStatus(status);
            response.setHeader("Allow", ApiErrorController.ALLOWED_METHODS);
        }
        if (status >= 500) {
            log.error("the servlet container answered {}", status, throwable);
        } else {
            log.debug("the servlet container refused a request with {}", status);
        }
        try {
            response.setContentType("application/json");
            response.setCharacterEncoding("UTF-8");
            Writer writer = response.getReporter();
            if (writer != null) {
                writer.write(JSON.writeValueAsString(ApiError.ofStatus(status, ApiErrorController.message(status))));
                response.finishResponse();
            }
        } catch (IOException | IllegalStateException e) {
            // The connection is gone: nobody is left to read the answer.
            log.debug("could not write the error answer: {}", e.toString());
        }
    }
}
