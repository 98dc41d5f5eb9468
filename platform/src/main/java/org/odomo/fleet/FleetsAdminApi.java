package org.odomo.fleet;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.odomo.api.ApiErrorCode;
import org.odomo.api.ApiException;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The operator's REST API for fleets: create them for a partner, move vehicles in and out. */
@RestController
class FleetsAdminApi {

    private static final int PAGE = 1000;

    private final FleetDirectory fleets;

    FleetsAdminApi(FleetDirectory fleets) {
        this.fleets = fleets;
    }

    @PostMapping(path = "/admin/v1/partners/{partnerId}/fleets", consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Map<String, Object>> create(@PathVariable String partnerId, @RequestBody Map<String, Object> body) {
        Object name = body == null ? null : body.get("name");
        Object description = body == null ? null : body.get("description");
        Fleet fleet = fleets.create(partnerId, name instanceof String s ? s : null,
                description instanceof String s ? s : null);
        return ResponseEntity.status(HttpStatus.CREATED).body(view(fleet));
    }

    @GetMapping("/admin/v1/partners/{partnerId}/fleets")
    List<Map<String, Object>> ofPartner(@PathVariable String partnerId) {
        return fleets.ofPartner(partnerId).stream().map(this::view).toList();
    }

    @GetMapping("/admin/v1/fleets/{fleetId}")
    Map<String, Object> get(@PathVariable String fleetId) {
        return view(fleet(fleetId));
    }

    /** The fleet's vehicles in VIN order, a page of 1,000 after {@code after}. */
    @GetMapping("/admin/v1/fleets/{fleetId}/vehicles")
    List<Map<String, Object>> vehicles(@PathVariable String fleetId, @RequestParam(required = false) String after) {
        fleet(fleetId);
        return fleets.members(fleetId, null, after, PAGE).stream().map(FleetsAdminApi::view).toList();
    }

    /**
     * Puts the vehicle in the fleet, moving it out of any other; {@code since} (RFC 3339) lets the
     * fleet see the data the car sent from then on (default: now).
     */
    @PutMapping("/admin/v1/fleets/{fleetId}/vehicles/{vin}")
    Map<String, Object> add(@PathVariable String fleetId, @PathVariable String vin,
            @RequestParam(required = false) String since) {
        java.time.Instant from = null;
        if (since != null) {
            try {
                from = java.time.OffsetDateTime.parse(since).toInstant();
            } catch (java.time.format.DateTimeParseException e) {
                throw new ApiException(ApiErrorCode.INVALID_PARAMETER, "since is not an RFC 3339 date-time");
            }
        }
        return view(fleets.addVehicle(fleetId, vin, from));
    }

    @DeleteMapping("/admin/v1/fleets/{fleetId}/vehicles/{vin}")
    ResponseEntity<Void> remove(@PathVariable String fleetId, @PathVariable String vin) {
        fleet(fleetId);
        if (!fleets.removeVehicle(fleetId, vin)) {
            throw new ApiException(ApiErrorCode.NOT_FOUND, "vehicle " + vin + " is not in fleet " + fleetId);
        }
        return ResponseEntity.noContent().build();
    }

    private Fleet fleet(String fleetId) {
        return fleets.find(fleetId).orElseThrow(() -> new ApiException(ApiErrorCode.NOT_FOUND, "no fleet " + fleetId));
    }

    private Map<String, Object> view(Fleet fleet) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", fleet.id());
        view.put("partnerId", fleet.partnerId());
        view.put("name", fleet.name());
        view.put("description", fleet.description());
        view.put("vehicles", fleets.count(fleet.id(), null));
        view.put("createdAt", fleet.createdAt().toString());
        return view;
    }

    private static Map<String, Object> view(Membership m) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("vin", m.vin());
        view.put("fleetId", m.fleetId());
        view.put("joinedAt", m.joinedAt().toString());
        return view;
    }
}
