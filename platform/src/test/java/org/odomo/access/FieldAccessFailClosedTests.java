package org.odomo.access;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.odomo.vehicle.Brand;
import org.odomo.vehicle.ConnectedService;
import org.odomo.vehicle.Motorization;
import org.odomo.vehicle.PrivacyMode;
import org.odomo.vehicle.Scopes;
import org.odomo.vehicle.Vehicle;

import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** A member no rule covers is left out, whatever the caller may see; structure stays beside data. */
class FieldAccessFailClosedTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static final Vehicle HYBRID = new Vehicle("VR3UHZKXZMT000002", "def", Brand.PEUGEOT, "P-3008H",
            "3008", Motorization.PHEV, 1L, PrivacyMode.DATA_AND_LOCATION, EnumSet.of(ConnectedService.PARTNER),
            Instant.EPOCH, Instant.EPOCH);

    private static ObjectNode read(String json) {
        return (ObjectNode) JSON.readTree(json);
    }

    @Test
    void unknownMembersAreDroppedEvenForACallerWithEveryScope() {
        ObjectNode status = read("""
                {"createdAt": "2026-11-22T08:00:00Z", "secret": 1,
                 "energies": [{"type": "Fuel", "level": 40, "secret": 2}],
                 "odometer": {"mileage": 12, "secret": {"deep": 3}}}""");
        boolean data = new FieldAccess(Scopes.DATA, HYBRID).filter("status", status);
        assertThat(data).isTrue();
        assertThat(status).isEqualTo(read("""
                {"createdAt": "2026-11-22T08:00:00Z",
                 "energies": [{"type": "Fuel", "level": 40}],
                 "odometer": {"mileage": 12}}"""));
    }

    @Test
    void legacyMembersFollowTheirCurrentCounterparts() {
        String status = """
                {"createdAt": "2026-11-22T08:00:00Z",
                 "lastPosition": {"type": "Feature", "geometry": {"type": "Point", "coordinates": [2.3, 48.8]}},
                 "energy": {"type": "Electric", "level": 80, "autonomy": 250,
                            "extension": {"electric": {"charging": {"status": "InProgress"}}}},
                 "preconditionning": {"airConditioning": {"status": "Enabled", "createdAt": "2026-11-22T08:00:00Z"}}}""";
        ObjectNode positionOnly = read(status);
        assertThat(new FieldAccess(Set.of(Scopes.POSITION), HYBRID).filter("status", positionOnly)).isTrue();
        assertThat(positionOnly).isEqualTo(read("""
                {"createdAt": "2026-11-22T08:00:00Z",
                 "lastPosition": {"type": "Feature", "geometry": {"type": "Point", "coordinates": [2.3, 48.8]}}}"""));
        ObjectNode telemetryOnly = read(status);
        assertThat(new FieldAccess(Set.of(Scopes.TELEMETRY), HYBRID).filter("status", telemetryOnly)).isTrue();
        ObjectNode expected = read(status);
        expected.remove("lastPosition");
        assertThat(telemetryOnly).isEqualTo(expected);
        // The array the platform serves for the deprecated energy, with the older charging object.
        ObjectNode legacyArray = read("""
                {"energy": [{"type": "Electric", "level": 80, "updatedAt": "2026-11-22T08:00:00Z",
                             "charging": {"status": "InProgress", "secret": 1}}]}""");
        assertThat(new FieldAccess(Set.of(Scopes.POSITION), HYBRID).filter("status", legacyArray)).isFalse();
        assertThat(legacyArray).isEqualTo(read("{}"));
        legacyArray = read("""
                {"energy": [{"type": "Electric", "level": 80, "updatedAt": "2026-11-22T08:00:00Z",
                             "charging": {"status": "InProgress", "secret": 1}}]}""");
        assertThat(new FieldAccess(Set.of(Scopes.TELEMETRY), HYBRID).filter("status", legacyArray)).isTrue();
        assertThat(legacyArray).isEqualTo(read("""
                {"energy": [{"type": "Electric", "level": 80, "updatedAt": "2026-11-22T08:00:00Z",
                             "charging": {"status": "InProgress"}}]}"""));
    }

    @Test
    void containersAndStructureStayWithoutDataButNotUnknownMembers() {
        ObjectNode vehicle = read("""
                {"_links": {"self": {"href": "https://example.com/v"}}, "id": "def", "vin": "VR3UHZKXZMT000002",
                 "_embedded": {"extension": {"onboardCapabilities": {"data": ["data:position"]}, "unknown": 1},
                               "other": 2}}""");
        new FieldAccess(Set.of(), HYBRID).filter("vehicle", vehicle);
        assertThat(vehicle).isEqualTo(read("""
                {"_links": {"self": {"href": "https://example.com/v"}}, "id": "def", "vin": "VR3UHZKXZMT000002",
                 "_embedded": {"extension": {"onboardCapabilities": {"data": ["data:position"]}}}}"""));
        ObjectNode trip = read("""
                {"_links": {"self": {"href": "s"}, "waypoints": {"href": "w"}}, "id": "t", "done": true}""");
        new FieldAccess(Set.of(Scopes.TRIP), HYBRID).filter("trip", trip);
        assertThat(trip).isEqualTo(read("""
                {"_links": {"self": {"href": "s"}}, "id": "t", "done": true}"""));
        ObjectNode page = read("""
                {"_links": {"self": {"href": "p"}}, "total": 1, "totalPage": 1, "currentPage": 1,
                 "_embedded": {"trips": [{"id": "t"}], "leak": [1]}, "leak": 2}""");
        FieldAccess.structureOnly().filter("page", page);
        assertThat(page).isEqualTo(read("""
                {"_links": {"self": {"href": "p"}}, "total": 1, "totalPage": 1, "currentPage": 1,
                 "_embedded": {"trips": [{"id": "t"}]}}"""));
    }
}
