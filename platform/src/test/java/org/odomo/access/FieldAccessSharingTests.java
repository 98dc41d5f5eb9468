package org.odomo.access;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.odomo.vehicle.Brand;
import org.odomo.vehicle.ConnectedService;
import org.odomo.vehicle.Motorization;
import org.odomo.vehicle.PrivacyMode;
import org.odomo.vehicle.Scopes;
import org.odomo.vehicle.Vehicle;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** Filtering trims copies: objects below the filtered one may be shared and stay as they were. */
class FieldAccessSharingTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static final Vehicle ELECTRIC = new Vehicle("VR3UHZKXZMT000001", "abc", Brand.PEUGEOT, "P-E208",
            "e-208", Motorization.BEV, 1L, PrivacyMode.DATA_AND_LOCATION, EnumSet.of(ConnectedService.PARTNER),
            Instant.EPOCH, Instant.EPOCH);

    private final JsonNode energy = JSON.readTree("""
            {"type": "Electric", "level": 80, "createdAt": "2026-11-22T08:00:00Z",
             "extension": {"electric": {"charging": {"plugged": true}}, "fuel": {"consumption": 5.1}}}""");
    private final JsonNode engine = JSON.readTree("""
            {"type": "Electric", "speed": 0, "extension": {"thermic": {"coolant": {"level": 40}}}}""");
    private final JsonNode position = JSON.readTree("""
            {"type": "Feature", "geometry": {"type": "Point", "coordinates": [2.3, 48.8]},
             "properties": {"createdAt": "2026-11-22T08:00:00Z", "type": "Estimated"}}""");

    private ObjectNode status() {
        ObjectNode status = JSON.createObjectNode();
        status.putObject("_links").putObject("self").put("href", "https://example.com/status");
        status.putArray("energies").add(energy);
        status.putArray("engines").add(engine);
        status.set("lastPosition", position);
        return status;
    }

    @Test
    void sharedPartsAreLeftUntouchedWhateverIsFilteredOut() {
        JsonNode energyBefore = energy.deepCopy();
        JsonNode engineBefore = engine.deepCopy();
        JsonNode positionBefore = position.deepCopy();
        for (Set<String> scopes : List.of(Set.of(Scopes.TELEMETRY), Set.of(Scopes.POSITION),
                Set.of(Scopes.TELEMETRY, Scopes.POSITION), Set.<String>of())) {
            ObjectNode status = status();
            new FieldAccess(scopes, ELECTRIC).filter("status", status);
            assertThat(energy).isEqualTo(energyBefore);
            assertThat(engine).isEqualTo(engineBefore);
            assertThat(position).isEqualTo(positionBefore);
        }
    }

    @Test
    void whatTheVehicleDoesNotProduceIsTrimmedFromACopy() {
        ObjectNode status = status();
        boolean data = new FieldAccess(Set.of(Scopes.TELEMETRY), ELECTRIC).filter("status", status);
        assertThat(data).isTrue();
        assertThat(status.has("lastPosition")).isFalse();
        assertThat(status.has("_links")).isTrue();
        JsonNode shownEnergy = status.get("energies").get(0);
        assertThat(shownEnergy.path("extension").has("fuel")).isFalse();
        assertThat(shownEnergy.path("extension").path("electric").path("charging").path("plugged").asBoolean())
                .isTrue();
        assertThat(shownEnergy).isNotSameAs(energy);
        assertThat(status.get("engines").get(0).has("extension")).isFalse();
        assertThat(energy.path("extension").has("fuel")).isTrue();
    }

    @Test
    void untouchedObjectsAreNotCopied() {
        ObjectNode status = status();
        new FieldAccess(Set.of(Scopes.POSITION), ELECTRIC).filter("status", status);
        assertThat(status.get("lastPosition")).isSameAs(position);
        assertThat(status.has("energies")).isFalse();
    }

    @Test
    void nothingLeftMeansNoData() {
        ObjectNode status = status();
        assertThat(new FieldAccess(Set.of(), ELECTRIC).filter("status", status)).isFalse();
        assertThat(status.propertyNames()).containsExactly("_links");
    }

    @Test
    void accessesThatDecideAlikeAreEqual() {
        FieldAccess a = new FieldAccess(Set.of(Scopes.TELEMETRY, Scopes.POSITION), ELECTRIC);
        assertThat(a).isEqualTo(new FieldAccess(Set.of(Scopes.POSITION, Scopes.TELEMETRY), ELECTRIC))
                .hasSameHashCodeAs(new FieldAccess(Set.of(Scopes.POSITION, Scopes.TELEMETRY), ELECTRIC));
        assertThat(a).isNotEqualTo(new FieldAccess(Set.of(Scopes.TELEMETRY), ELECTRIC));
        Vehicle hidden = new Vehicle(ELECTRIC.vin(), ELECTRIC.apiId(), Brand.PEUGEOT, "P-E208", "e-208",
                Motorization.BEV, 1L, PrivacyMode.DATA, EnumSet.of(ConnectedService.PARTNER), Instant.EPOCH,
                Instant.EPOCH);
        assertThat(a).isNotEqualTo(new FieldAccess(Set.of(Scopes.TELEMETRY, Scopes.POSITION), hidden));
    }
}
