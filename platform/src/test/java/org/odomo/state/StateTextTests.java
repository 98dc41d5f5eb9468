package org.odomo.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** Writing a state part by part gives exactly the text Jackson gives for the whole document. */
class StateTextTests {

    private final JsonMapper json = JsonMapper.builder().build();
    private final StateText text = new StateText(json);

    @Test
    void theTextIsJacksonsWhicheverPartsChanged() {
        ObjectNode doc = json.createObjectNode();
        Map<JsonNode, String> previous = Map.of();
        Instant t0 = Instant.parse("2026-11-22T08:15:00Z");
        for (int i = 0; i < 50; i++) {
            ObjectNode data = json.createObjectNode();
            data.putObject("odometer").put("mileage", 1000 + i * 0.7);
            if (i % 3 == 0) {
                data.putObject("position").put("heading", i).putArray("coordinates").add(2.35 + i / 1e4).add(48.85);
            }
            if (i % 5 == 0) {
                data.putArray("energies").addObject().put("type", i % 2 == 0 ? "Electric" : "Fuel")
                        .put("level", 90.5 - i).putObject("extension").putObject("electric")
                        .putObject("charging").put("plugged", i % 4 == 0).put("status", "Dis\"connected\u00e9");
            }
            if (i == 7) {
                data.putObject("environment").putObject("air").put("temp", -3.25);
            }
            // Older than the stored parts every fourth time: those parts stay as they are.
            Instant at = i % 4 == 3 ? t0.minusSeconds(i) : t0.plusSeconds(60L * i);
            ObjectNode next = json.createObjectNode();
            next.setAll(doc);
            StateMerge.apply(next, data, at);

            StateText.Written written = text.write(next, previous);
            assertThat(written.json()).isEqualTo(json.writeValueAsString(next));
            assertThat(json.readTree(written.json())).isEqualTo(next);
            doc = next;
            previous = written.parts();
        }
    }
}
