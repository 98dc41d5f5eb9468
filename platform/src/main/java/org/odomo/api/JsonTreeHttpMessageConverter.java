package org.odomo.api;

import java.io.IOException;

import org.springframework.http.HttpInputMessage;
import org.springframework.http.HttpOutputMessage;
import org.springframework.http.MediaType;
import org.springframework.http.converter.AbstractHttpMessageConverter;
import org.springframework.http.converter.HttpMessageNotReadableException;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes the JSON trees the API answers with as one buffer with its {@code Content-Length}: the
 * general converter streams them and flushes, which makes every answer chunked and costs a
 * second write per call. Reading is left to the general converter.
 */
final class JsonTreeHttpMessageConverter extends AbstractHttpMessageConverter<JsonNode> {

    private final JsonMapper mapper;

    JsonTreeHttpMessageConverter(JsonMapper mapper) {
        super(MediaType.APPLICATION_JSON, new MediaType("application", "*+json"));
        this.mapper = mapper;
    }

    @Override
    protected boolean supports(Class<?> type) {
        return JsonNode.class.isAssignableFrom(type);
    }

    @Override
    protected boolean canRead(MediaType mediaType) {
        return false;
    }

    @Override
    protected JsonNode readInternal(Class<? extends JsonNode> type, HttpInputMessage input)
            throws HttpMessageNotReadableException {
        throw new HttpMessageNotReadableException("not a reading converter", input);
    }

    @Override
    protected void writeInternal(JsonNode body, HttpOutputMessage output) throws IOException {
        byte[] bytes = mapper.writeValueAsBytes(body);
        output.getHeaders().setContentLength(bytes.length);
        output.getBody().write(bytes);
    }
}
