package org.odomo.delivery.internal;

import java.nio.charset.StandardCharsets;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

import org.odomo.access.B2cCaller;
import org.odomo.access.Callers;
import org.odomo.api.ApiErrorCode;
import org.odomo.api.ApiException;
import org.odomo.delivery.DeliveryDestinations;
import org.odomo.delivery.DeliveryOwner;
import org.odomo.delivery.Destination;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The delivery log of a callback, for the app that owns it: an extension of the B2C API (its
 * {@code x-odomo-} path segment says it is not part of the published API), served under the same
 * token checks and rate limits. Newest attempt first.
 */
@RestController
class DeliveriesApi {

    static final String PATH = "/connectedcar/v4/user/callbacks/{cbid}/x-odomo-deliveries";
    private static final MediaType HAL = MediaType.parseMediaType("application/hal+json");
    private static final int MAX_PAGE_SIZE = 100;

    private final OutboxStore store;
    private final List<DeliveryDestinations> destinations;

    DeliveriesApi(OutboxStore store, List<DeliveryDestinations> destinations) {
        this.store = store;
        this.destinations = destinations;
    }

    @GetMapping(PATH)
    ResponseEntity<ObjectNode> deliveries(@PathVariable String cbid,
            @RequestParam(required = false) String pageSize, @RequestParam(required = false) String pageToken) {
        B2cCaller caller = Callers.current();
        DeliveryOwner owner = DeliveryOwner.endUserApp(caller.accountId(), caller.clientId());
        Optional<Destination> destination = destinations.stream().map(d -> d.find(cbid)).flatMap(Optional::stream)
                .findFirst();
        if (destination.isEmpty() || !destination.get().owner().equals(owner)) {
            // Someone else's callback is answered as one that does not exist.
            throw new ApiException(ApiErrorCode.NOT_FOUND, "no callback " + cbid);
        }
        int size = parseSize(pageSize);
        int offset = pageToken == null ? 0 : decode(pageToken);
        long total = store.countAttempts(cbid);
        if (pageToken != null && offset >= total && offset > 0) {
            throw new ApiException(ApiErrorCode.INVALID_PARAMETER, "pageToken points past the end of the log");
        }
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        ObjectNode links = body.putObject("_links");
        links.putObject("self").put("href", href(cbid, caller.clientId(), size, offset));
        links.putObject("first").put("href", href(cbid, caller.clientId(), size, 0));
        if (offset > 0) {
            links.putObject("prev").put("href", href(cbid, caller.clientId(), size, Math.max(0, offset - size)));
        }
        if ((long) offset + size < total) {
            links.putObject("next").put("href", href(cbid, caller.clientId(), size, offset + size));
        }
        long last = total == 0 ? 0 : ((total - 1) / size) * size;
        links.putObject("last").put("href", href(cbid, caller.clientId(), size, (int) last));
        body.put("total", total);
        body.put("totalPage", Math.max(1, (total + size - 1) / size));
        body.put("currentPage", offset / size + 1);
        ArrayNode items = body.putObject("_embedded").putArray("deliveries");
        for (OutboxStore.Attempt a : store.attempts(cbid, offset, size)) {
            ObjectNode item = items.addObject();
            item.put("attemptedAt", DateTimeFormatter.ISO_INSTANT.format(a.at()));
            item.put("channel", a.channel());
            item.put("target", a.target());
            item.put("received", a.received());
            if (a.statusCode() != null) {
                item.put("statusCode", a.statusCode());
            }
            item.put("latencyMs", a.latencyMillis());
            if (a.error() != null) {
                item.put("error", a.error());
            }
            item.put("batchSize", a.notificationIds().size());
            ArrayNode ids = item.putArray("notificationIds");
            a.notificationIds().forEach(id -> ids.add(id.toString()));
        }
        return ResponseEntity.ok().contentType(HAL).body(body);
    }

    private static int parseSize(String pageSize) {
        if (pageSize == null) {
            return 20;
        }
        try {
            int n = Integer.parseInt(pageSize);
            if (n >= 1 && n <= MAX_PAGE_SIZE) {
                return n;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new ApiException(ApiErrorCode.INVALID_PARAMETER, "pageSize must be an integer from 1 to " + MAX_PAGE_SIZE);
    }

    private static String token(int offset) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(("d:" + offset).getBytes(StandardCharsets.UTF_8));
    }

    private static int decode(String token) {
        try {
            String s = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
            if (s.startsWith("d:")) {
                int offset = Integer.parseInt(s.substring(2));
                if (offset >= 0) {
                    return offset;
                }
            }
        } catch (IllegalArgumentException e) {
            // answered below
        }
        throw new ApiException(ApiErrorCode.INVALID_PARAMETER, "pageToken is not one this server issued");
    }

    private static String href(String cbid, String clientId, int size, int offset) {
        var b = ServletUriComponentsBuilder.fromCurrentContextPath().path(PATH).queryParam("client_id", clientId)
                .queryParam("pageSize", size);
        if (offset > 0) {
            b.queryParam("pageToken", token(offset));
        }
        return b.buildAndExpand(cbid).encode().toUriString();
    }
}
