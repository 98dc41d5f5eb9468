package org.odomo.b2c;

import java.util.List;
import java.util.Set;

import org.odomo.api.ApiErrorCode;
import org.odomo.api.ApiException;
import org.odomo.vehicle.Vehicle;
import org.odomo.vehicle.VehicleRegistry;
import org.odomo.vehicle.Vin;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The capability API apps call before enrolling a user: what a VIN's model can produce and which
 * remote actions it takes. Served under both spellings in use ({@code /vehicle/} in the enrollment
 * tutorial, {@code /vehicles/} in the fleet-owner API description).
 */
@RestController
class CapabilityApi {

    private final VehicleRegistry registry;

    CapabilityApi(VehicleRegistry registry) {
        this.registry = registry;
    }

    @GetMapping({"/connectedcar/v3/vehicle/{vin}", "/connectedcar/v3/vehicles/{vin}"})
    ResponseEntity<ObjectNode> capabilities(@PathVariable String vin,
            @RequestParam(required = false) List<String> extension, @RequestParam(required = false) String locale) {
        if (!Vin.isValid(vin)) {
            throw new ApiException(ApiErrorCode.INVALID_PARAMETER, "not a VIN: " + vin);
        }
        Set<String> extensions = VehiclesApi.extensions(extension);
        Vehicle vehicle = registry.find(vin)
                .orElseThrow(() -> new ApiException(ApiErrorCode.NOT_FOUND, "no vehicle " + vin));
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("vin", vehicle.vin());
        json.put("motorization", vehicle.motorization().apiName());
        json.put("createdAt", vehicle.createdAt().toString());
        if (!extensions.isEmpty()) {
            ObjectNode ext = json.putObject("_embedded").putObject("extension");
            if (extensions.contains("onboardCapabilities")) {
                ObjectNode caps = VehicleViews.capabilities(vehicle.model());
                // The fleet-owner API adds the stolen-vehicle declaration, which every connected model takes.
                ((ObjectNode) caps.get("remote")).putObject("stolen").put("supported", true);
                ext.set("onboardCapabilities", caps);
            }
            if (extensions.contains("branding")) {
                ext.putObject("branding").put("brand", vehicle.brand().label()).put("label", vehicle.label());
            }
            if (extensions.contains("pictures")) {
                var pictures = ext.putArray("pictures");
                VehicleViews.pictureUrls(vehicle.model()).forEach(pictures::add);
            }
        }
        return ResponseEntity.ok().contentType(VehiclesApi.HAL).body(json);
    }
}
