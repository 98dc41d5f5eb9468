package org.odomo.b2c;

import java.util.List;
import java.util.Set;

import org.odomo.access.FieldAccess;
import org.odomo.vehicle.RemoteType;
import org.odomo.vehicle.Vehicle;
import org.odomo.vehicle.VehicleModel;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * JSON representations of vehicles: the Vehicle object and its extensions. Public for the fleet
 * API's vehicles, which show the same pictures and capabilities.
 */
public final class VehicleViews {

    static final Set<String> EXTENSIONS = Set.of("onboardCapabilities", "branding", "pictures");

    private VehicleViews() {
    }

    /** The vehicle as its owner's app may see it. */
    static ObjectNode vehicle(Vehicle v, String clientId, Set<String> extensions, FieldAccess fields) {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        String base = "/user/vehicles/" + v.apiId();
        ObjectNode links = json.putObject("_links");
        links.set("self", Links.link(Links.href(clientId, base)));
        links.set("user", Links.link(Links.href(clientId, "/user")));
        for (String sub : List.of("status", "lastPosition", "telemetry", "trips", "alerts", "collisions", "alarms",
                "maintenance")) {
            links.set(sub, Links.link(Links.href(clientId, base + "/" + sub)));
        }
        json.put("id", v.apiId());
        json.put("vin", v.vin());
        json.put("motorization", v.motorization().apiName());
        json.put("brand", v.brand().label());
        json.put("label", v.label());
        ArrayNode pictures = json.putArray("pictures");
        pictureUrls(v.model()).forEach(pictures::add);
        json.put("createdAt", v.createdAt().toString());
        json.put("updatedAt", v.updatedAt().toString());
        if (!extensions.isEmpty()) {
            ObjectNode extension = json.putObject("_embedded").putObject("extension");
            if (extensions.contains("onboardCapabilities")) {
                extension.set("onboardCapabilities", capabilities(v.model()));
            }
            if (extensions.contains("branding")) {
                extension.putObject("branding").put("brand", v.brand().label()).put("label", v.label());
            }
            if (extensions.contains("pictures")) {
                ArrayNode p = extension.putArray("pictures");
                pictureUrls(v.model()).forEach(p::add);
            }
        }
        fields.filter("vehicle", json);
        return json;
    }

    public static List<String> pictureUrls(VehicleModel model) {
        String base = ServletUriComponentsBuilder.fromCurrentContextPath().build().toUriString();
        return model.picturePaths().stream().map(p -> base + p).toList();
    }

    /** What the vehicle's model can produce and which remote actions its telematics unit takes. */
    public static ObjectNode capabilities(VehicleModel model) {
        ObjectNode caps = JsonNodeFactory.instance.objectNode();
        ArrayNode data = caps.putArray("data");
        model.producedData().forEach(data::add);
        ObjectNode remote = caps.putObject("remote");
        ObjectNode pre = remote(remote, "preconditioning", model, RemoteType.PRECONDITIONING);
        ObjectNode preParams = pre.putObject("parameters");
        preParams.put("immediate", model.supports(RemoteType.PRECONDITIONING));
        preParams.putObject("programs").put("size", model.preconditioningPrograms());
        ObjectNode charging = remote(remote, "charging", model, RemoteType.CHARGING);
        boolean plugIn = model.motorization().isPlugIn() && model.supports(RemoteType.CHARGING);
        ObjectNode chargingParams = charging.putObject("parameters");
        chargingParams.putObject("immediate").put("start", plugIn).put("stop", plugIn);
        ObjectNode schedule = chargingParams.putObject("schedule");
        schedule.putObject("programs").put("supported", plugIn).put("size", plugIn ? 4 : 0);
        schedule.put("nextDelayedTime", plugIn);
        // The published schema declares preferences beside schedule but requires it inside:
        // both places carry it.
        chargingParams.putObject("preferences").put("level", plugIn).put("type", plugIn);
        schedule.putObject("preferences").put("level", plugIn).put("type", plugIn);
        remote(remote, "door", model, RemoteType.DOOR);
        remote(remote, "horn", model, RemoteType.HORN);
        remote(remote, "lights", model, RemoteType.LIGHTS);
        remote(remote, "wakeup", model, RemoteType.WAKE_UP);
        remote(remote, "navigation", model, RemoteType.NAVIGATION);
        return caps;
    }

    private static ObjectNode remote(ObjectNode remote, String name, VehicleModel model, RemoteType type) {
        ObjectNode node = remote.putObject(name);
        node.put("supported", model.supports(type));
        node.put("scopeName", type.scope());
        return node;
    }

}
