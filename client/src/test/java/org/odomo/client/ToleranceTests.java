package org.odomo.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * The contract asks clients to tolerate missing and unknown members: an answer with members the
 * library does not know, or without the ones it reads, still reads, the known parts as they are.
 */
class ToleranceTests {

    @Test
    void unknownMembersAreIgnoredAndMissingOnesReadAsAbsent() {
        Status status = Status.from(Json.parse("""
                {"_links": {"self": {"href": "http://h/connectedcar/v4/user/vehicles/1/status"}},
                 "createdAt": "2026-03-12T21:30:00Z", "someday": {"new": [1, 2]},
                 "energies": [{"type": "Electric", "level": 80.5, "futureMember": true,
                               "extension": {"electric": {"charging": {"plugged": true, "status": "InProgress",
                                                                       "remainingTime": "PT1H"}}}},
                              "not an object"],
                 "odometer": {"mileage": "not a number"}}
                """));
        assertThat(status.createdAt()).isEqualTo("2026-03-12T21:30:00Z");
        assertThat(status.energies()).containsExactly(new Energy("Electric", null, 80.5, null, null,
                new Charging(true, "InProgress", "PT1H", null, null, null)));
        assertThat(status.legacyEnergy()).isEmpty();
        assertThat(status.mileage()).isNull();
        assertThat(status.lastPosition()).isNull();
        assertThat(status.raw()).containsEntry("someday", java.util.Map.of("new", List.of(1, 2)));
    }

    @Test
    void aLegacyEnergyItemTakesItsDirectChargingObject() {
        Status status = Status.from(Json.parse("""
                {"energy": [{"type": "Electric", "level": 50, "charging": {"plugged": false, "status": "Disconnected"}}]}
                """));
        assertThat(status.legacyEnergy()).containsExactly(new Energy("Electric", null, 50.0, null, null,
                new Charging(false, "Disconnected", null, null, null, null)));
    }

    @Test
    void aPositionIsItsGeoJsonCoordinatesLongitudeFirst() {
        Position position = Json.position(Json.parse("""
                {"type": "Feature", "geometry": {"type": "Point", "coordinates": [2.3522, 48.8566, 35]},
                 "properties": {"createdAt": "2026-03-12T21:30:00Z", "heading": 90, "type": "Acquire"}}
                """));
        assertThat(position).isEqualTo(new Position(2.3522, 48.8566, 35.0,
                java.time.Instant.parse("2026-03-12T21:30:00Z"), 90, "Acquire", null));
        assertThat(Json.position(Json.parse("{\"geometry\": {\"coordinates\": [2.35]}}"))).isNull();
    }
}
