package org.odomo.vehicle;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

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
import org.springframework.web.bind.annotation.RestController;

/**
 * The operator's vehicle onboarding: register a vehicle (its credential is shown once), manage
 * its connected services, and issue the activation code its owner uses to link it to an account.
 */
@RestController
class AdminVehiclesApi {

    private final VehicleRegistry registry;

    AdminVehiclesApi(VehicleRegistry registry) {
        this.registry = registry;
    }

    record VehicleRequest(String vin, String brand, String model, List<String> services, String privacyMode) {
    }

    @PostMapping(path = "/admin/v1/vehicles", consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Map<String, Object>> register(@RequestBody VehicleRequest request) {
        if (request.vin() == null || !Vin.isValid(request.vin())) {
            throw new ApiException(ApiErrorCode.INVALID_PARAMETER,
                    "vin must be 17 characters of A-Z and 0-9 without I, O or Q");
        }
        Brand brand = brand(request.brand());
        if (request.model() == null || VehicleModels.byCode(request.model()).isEmpty()) {
            throw new ApiException(ApiErrorCode.INVALID_PARAMETER, "unknown model " + request.model() + "; known: "
                    + VehicleModels.all().stream().map(VehicleModel::code).toList());
        }
        PrivacyMode mode = request.privacyMode() == null ? PrivacyMode.DATA_AND_LOCATION
                : parse(PrivacyMode.class, request.privacyMode(), "privacyMode");
        Set<ConnectedService> services = services(request.services());
        RegisteredVehicle registered;
        try {
            registered = registry.register(new NewVehicle(request.vin(), brand, request.model(), null, mode, services));
        } catch (IllegalArgumentException e) {
            throw new ApiException(ApiErrorCode.INVALID_PARAMETER, e.getMessage());
        } catch (IllegalStateException e) {
            throw new ApiException(ApiErrorCode.CONFLICT, e.getMessage());
        }
        Map<String, Object> body = view(registered.vehicle());
        body.put("credential", registered.credential());
        body.put("activationCode", registry.issueActivationCode(registered.vehicle().vin()));
        return ResponseEntity.status(HttpStatus.CREATED).body(body);
    }

    @GetMapping("/admin/v1/vehicles")
    List<Map<String, Object>> list() {
        List<Map<String, Object>> all = new ArrayList<>();
        for (String vin : registry.allVins()) {
            registry.find(vin).ifPresent(v -> all.add(view(v)));
        }
        return all;
    }

    @GetMapping("/admin/v1/vehicles/{vin}")
    Map<String, Object> get(@PathVariable String vin) {
        return view(find(vin));
    }

    @PutMapping(path = "/admin/v1/vehicles/{vin}/services", consumes = MediaType.APPLICATION_JSON_VALUE)
    Map<String, Object> services(@PathVariable String vin, @RequestBody Map<String, List<String>> body) {
        Vehicle vehicle = find(vin);
        Set<ConnectedService> wanted = services(body.get("services"));
        for (ConnectedService s : ConnectedService.values()) {
            if (wanted.contains(s) && !vehicle.services().contains(s)) {
                registry.activateService(vin, s);
            } else if (!wanted.contains(s) && vehicle.services().contains(s)) {
                registry.deactivateService(vin, s);
            }
        }
        return view(find(vin));
    }

    @PostMapping("/admin/v1/vehicles/{vin}/activation-code")
    Map<String, Object> activationCode(@PathVariable String vin) {
        Vehicle vehicle = find(vin);
        if (vehicle.ownerId() != null) {
            throw new ApiException(ApiErrorCode.CONFLICT, "vehicle " + vin + " is already linked to an account");
        }
        return Map.of("vin", vin, "activationCode", registry.issueActivationCode(vin));
    }

    /** A new credential for the vehicle (shown once); the old one stops being accepted. */
    @PostMapping("/admin/v1/vehicles/{vin}/credential")
    Map<String, Object> replaceCredential(@PathVariable String vin) {
        find(vin);
        return Map.of("vin", vin, "credential", registry.replaceCredential(vin));
    }

    /** Revokes the vehicle's credential: none of its messages is accepted until a new one is issued. */
    @DeleteMapping("/admin/v1/vehicles/{vin}/credential")
    ResponseEntity<Void> revokeCredential(@PathVariable String vin) {
        find(vin);
        registry.revokeCredential(vin);
        return ResponseEntity.noContent().build();
    }

    @GetMapping("/admin/v1/models")
    List<Map<String, Object>> models() {
        List<Map<String, Object>> models = new ArrayList<>();
        for (VehicleModel m : VehicleModels.all()) {
            Map<String, Object> view = new LinkedHashMap<>();
            view.put("code", m.code());
            view.put("brand", m.brand().name());
            view.put("label", m.label());
            view.put("motorization", m.motorization().name());
            view.put("remotes", m.remotes().stream().map(RemoteType::action).sorted().toList());
            view.put("data", m.producedData());
            models.add(view);
        }
        return models;
    }

    private Vehicle find(String vin) {
        return registry.find(vin).orElseThrow(() -> new ApiException(ApiErrorCode.NOT_FOUND, "no vehicle " + vin));
    }

    private static Brand brand(String value) {
        if (value == null) {
            throw new ApiException(ApiErrorCode.INVALID_PARAMETER, "brand is required");
        }
        for (Brand b : Brand.values()) {
            if (b.name().equalsIgnoreCase(value) || b.label().equalsIgnoreCase(value) || b.realm().equals(value)) {
                return b;
            }
        }
        throw new ApiException(ApiErrorCode.INVALID_PARAMETER, "unknown brand " + value);
    }

    private static Set<ConnectedService> services(List<String> names) {
        Set<ConnectedService> services = EnumSet.noneOf(ConnectedService.class);
        if (names != null) {
            for (String name : names) {
                services.add(parse(ConnectedService.class, name, "services"));
            }
        }
        return services;
    }

    private static <E extends Enum<E>> E parse(Class<E> type, String value, String field) {
        try {
            return Enum.valueOf(type, value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new ApiException(ApiErrorCode.INVALID_PARAMETER, field + ": unknown value " + value + "; known: "
                    + java.util.Arrays.toString(type.getEnumConstants()));
        }
    }

    static Map<String, Object> view(Vehicle v) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("vin", v.vin());
        view.put("id", v.apiId());
        view.put("brand", v.brand().name());
        view.put("model", v.modelCode());
        view.put("label", v.label());
        view.put("motorization", v.motorization().name());
        view.put("privacyMode", v.privacyMode().name());
        view.put("services", v.services().stream().map(Enum::name).sorted().toList());
        view.put("linked", v.ownerId() != null);
        view.put("createdAt", v.createdAt().toString());
        return view;
    }
}
