package org.odomo.api;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.security.web.firewall.RequestRejectedException;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.ErrorResponse;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MissingRequestHeaderException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/** Turns every exception of the REST controllers into the API's error body. */
@RestControllerAdvice(annotations = org.springframework.web.bind.annotation.RestController.class)
@Order(Ordered.HIGHEST_PRECEDENCE)
class ApiExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ApiExceptionHandler.class);

    @ExceptionHandler(ApiException.class)
    ResponseEntity<ApiError> api(ApiException e) {
        return body(e.code(), e.getMessage());
    }

    @ExceptionHandler(NoResourceFoundException.class)
    ResponseEntity<ApiError> notFound(NoResourceFoundException e) {
        return body(ApiErrorCode.NOT_FOUND, "no such resource");
    }

    @ExceptionHandler(MissingServletRequestParameterException.class)
    ResponseEntity<ApiError> missing(MissingServletRequestParameterException e) {
        return body(ApiErrorCode.MISSING_PARAMETER, "missing query parameter " + e.getParameterName());
    }

    @ExceptionHandler(MissingRequestHeaderException.class)
    ResponseEntity<ApiError> missingHeader(MissingRequestHeaderException e) {
        return body(ApiErrorCode.MISSING_PARAMETER, "missing header " + e.getHeaderName());
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ResponseEntity<ApiError> mismatch(MethodArgumentTypeMismatchException e) {
        return body(ApiErrorCode.INVALID_PARAMETER, "invalid value for " + e.getName());
    }

    @ExceptionHandler(HttpMessageNotReadableException.class)
    ResponseEntity<ApiError> unreadable(HttpMessageNotReadableException e) {
        return body(ApiErrorCode.INVALID_BODY, "the request body is not valid JSON for this operation");
    }

    /**
     * The firewall checks parameters when they are first read, so a NUL or control character in
     * one the controller reads is refused there, not before the chain.
     */
    @ExceptionHandler(RequestRejectedException.class)
    ResponseEntity<ApiError> rejected(RequestRejectedException e) {
        log.debug("request rejected: {}", e.getMessage());
        return body(ApiErrorCode.INVALID_PARAMETER, "a parameter contains characters that are not allowed");
    }

    @ExceptionHandler(HttpRequestMethodNotSupportedException.class)
    ResponseEntity<ApiError> method(HttpRequestMethodNotSupportedException e) {
        return body(ApiErrorCode.METHOD_NOT_ALLOWED, "method " + e.getMethod() + " is not allowed here");
    }

    @ExceptionHandler(HttpMediaTypeNotSupportedException.class)
    ResponseEntity<ApiError> mediaType(HttpMediaTypeNotSupportedException e) {
        return body(ApiErrorCode.UNSUPPORTED_MEDIA_TYPE, "content type " + e.getContentType() + " is not supported");
    }

    @ExceptionHandler(HttpMediaTypeNotAcceptableException.class)
    ResponseEntity<ApiError> notAcceptable(HttpMediaTypeNotAcceptableException e) {
        return body(ApiErrorCode.NOT_ACCEPTABLE, "no acceptable representation");
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<ApiError> unexpected(Exception e) {
        // The framework's other client errors (a missing path variable, a bad multipart...) carry
        // their status: they are the caller's mistake, logged without a stack trace.
        if (e instanceof ErrorResponse framework && framework.getStatusCode().is4xxClientError()) {
            int status = framework.getStatusCode().value();
            log.debug("client error {}: {}", status, e.toString());
            return ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON)
                    .body(ApiError.ofStatus(status, ApiErrorController.message(status)));
        }
        ApiError error = ApiError.of(ApiErrorCode.INTERNAL_ERROR, "internal error");
        log.error("unexpected error {}", error.uuid(), e);
        return ResponseEntity.status(HttpStatus.INTERNAL_SERVER_ERROR).contentType(MediaType.APPLICATION_JSON)
                .body(error);
    }

    /**
     * The error as JSON whatever the request's {@code Accept}: a preset content type is not
     * negotiated, so a caller who asked for HTML still learns what went wrong, instead of an
     * empty 406 raised while writing the error.
     */
    static ResponseEntity<ApiError> body(ApiErrorCode code, String message) {
        return ResponseEntity.status(code.status()).contentType(MediaType.APPLICATION_JSON)
                .body(ApiError.of(code, message));
    }
}
