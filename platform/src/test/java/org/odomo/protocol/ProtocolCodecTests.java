package org.odomo.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import tools.jackson.databind.node.JsonNodeFactory;

/** Captured frames of the protocol, valid and invalid, and what the codec makes of them. */
class ProtocolCodecTests {

    private final ProtocolCodec codec = new ProtocolCodec();
    private static final String HEAD = "{\"v\":1,\"vin\":\"VR3UHZKXZMT123456\",\"id\":\"000183\","
            + "\"at\":\"2026-11-22T08:15:00Z\",\"credential\":\"secret\",";

    private VehicleMessage decode(String json) {
        return codec.decode(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void decodesAFullTelemetrySampleAndDropsUnknownFields() {
        VehicleMessage m = decode(HEAD + "\"type\":\"telemetry\",\"futureField\":1,\"data\":{"
                + "\"ignition\":{\"type\":\"Start\"},"
                + "\"position\":{\"coordinates\":[2.3522,48.8566,35.0],\"heading\":90,\"type\":\"Acquire\",\"fixStatus\":\"3D\"},"
                + "\"energies\":[{\"type\":\"Electric\",\"level\":71.5,\"autonomy\":243,\"extension\":{\"electric\":"
                + "{\"charging\":{\"plugged\":false,\"status\":\"Disconnected\",\"chargingMode\":\"No\"}}}}],"
                + "\"environment\":{\"air\":{\"temp\":11.5},\"luminosity\":{\"day\":true}},"
                + "\"privacy\":{\"state\":\"None\"},\"unknownPart\":{\"x\":1},"
                + "\"odometer\":{\"mileage\":12978.9,\"secret\":\"dropped\"}}}");
        assertThat(m.type()).isEqualTo(MessageType.TELEMETRY);
        assertThat(m.vin()).isEqualTo("VR3UHZKXZMT123456");
        assertThat(m.data().has("unknownPart")).isFalse();
        assertThat(m.data().path("odometer").has("secret")).isFalse();
        assertThat(m.data().path("energies").get(0).path("extension").path("electric").path("charging")
                .path("chargingMode").stringValue()).isEqualTo("No");
    }

    @Test
    void decodesEventsCommandProgressAndLifecycle() {
        assertThat(decode(HEAD + "\"type\":\"event\",\"event\":{\"name\":\"alertRaised\",\"alert\":"
                + "{\"type\":\"FuelLevelLow\",\"severity\":\"Warning\"}}}").eventName()).isEqualTo("alertRaised");
        assertThat(decode(HEAD + "\"type\":\"event\",\"event\":{\"name\":\"collision\",\"collision\":"
                + "{\"details\":[{\"side\":\"Rear\",\"severity\":\"Major\"}],\"pedestrian\":false}}}").event()
                .path("collision").path("details").size()).isEqualTo(1);
        assertThat(decode(HEAD + "\"type\":\"commandProgress\",\"command\":{\"id\":\"c1\",\"status\":\"Done\","
                + "\"result\":\"Failed\",\"failureCause\":\"DoorsOpen\"}}").command().path("failureCause").stringValue())
                .isEqualTo("DoorsOpen");
        assertThat(decode(HEAD + "\"type\":\"commandProgress\",\"command\":{\"id\":\"c2\",\"status\":\"Done\","
                + "\"result\":\"Failed\",\"failureCause\":\"CanceledByDriver\"}}").command())
                .isEqualTo(JsonNodeFactory.instance.objectNode().put("id", "c2").put("status", "Done")
                        .put("result", "Failed").put("failureCause", "CanceledByDriver"));
        assertThat(decode(HEAD + "\"type\":\"commandProgress\",\"command\":{\"id\":\"c3\",\"status\":\"Done\","
                + "\"result\":\"Success\",\"feedbackDetail\":\"CIDBlacklisted\"}}").command())
                .isEqualTo(JsonNodeFactory.instance.objectNode().put("id", "c3").put("status", "Done")
                        .put("result", "Success").put("feedbackDetail", "CIDBlacklisted"));
        assertThat(decode(HEAD + "\"type\":\"lifecycle\",\"lifecycle\":{\"state\":\"Asleep\"}}").lifecycle()
                .path("state").stringValue()).isEqualTo("Asleep");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "\"type\":\"telemetry\"}",
            "\"type\":\"telemetry\",\"data\":{\"ignition\":{\"type\":\"On\"}}}",
            "\"type\":\"telemetry\",\"data\":{\"position\":{\"coordinates\":[200,48]}}}",
            "\"type\":\"telemetry\",\"data\":{\"position\":{\"coordinates\":[2]}}}",
            "\"type\":\"telemetry\",\"data\":{\"odometer\":{\"mileage\":-1}}}",
            "\"type\":\"telemetry\",\"data\":{\"odometer\":{\"mileage\":\"12\"}}}",
            "\"type\":\"telemetry\",\"data\":{\"odometer\":null}}",
            "\"type\":\"telemetry\",\"data\":{\"energies\":[{\"level\":50}]}}",
            "\"type\":\"telemetry\",\"data\":{\"energies\":[{\"type\":\"Fuel\",\"level\":150}]}}",
            "\"type\":\"telemetry\",\"data\":{\"maintenance\":{\"createdAt\":\"yesterday\"}}}",
            "\"type\":\"event\",\"event\":{\"name\":\"alertRaised\",\"alert\":{\"type\":\"NotAnAlert\",\"severity\":\"Warning\"}}}",
            "\"type\":\"event\",\"event\":{\"name\":\"explosion\"}}",
            "\"type\":\"commandProgress\",\"command\":{\"id\":\"c1\",\"status\":\"Done\"}}",
            "\"type\":\"commandProgress\",\"command\":{\"id\":\"c1\",\"status\":\"Received\",\"failureCause\":\"DoorsOpen\"}}",
            "\"type\":\"commandProgress\",\"command\":{\"id\":\"c1\",\"status\":\"Done\",\"result\":\"Failed\",\"failureCause\":\"DoorsOpen\",\"feedbackDetail\":\"NoCIDBlacklisted\"}}",
            "\"type\":\"commandProgress\",\"command\":{\"id\":\"c1\",\"status\":\"Done\",\"result\":\"Success\",\"feedbackDetail\":\"Blacklisted\"}}",
            "\"type\":\"command\",\"command\":{}}",
            "\"type\":\"teleport\"}"})
    void rejectsMalformedMessagesWithTheVin(String tail) {
        assertThatThrownBy(() -> decode(HEAD + tail)).isInstanceOf(MalformedMessageException.class)
                .satisfies(e -> assertThat(((MalformedMessageException) e).vin()).isEqualTo("VR3UHZKXZMT123456"));
    }

    @Test
    void theCredentialIsOptionalInTheEnvelope() {
        VehicleMessage m = decode("{\"v\":1,\"vin\":\"VR3UHZKXZMT123456\",\"id\":\"1\",\"at\":\"2026-11-22T08:15:00Z\","
                + "\"type\":\"lifecycle\",\"lifecycle\":{\"state\":\"Awake\"}}");
        assertThat(m.credential()).isNull();
        assertThat(decode(HEAD + "\"type\":\"lifecycle\",\"lifecycle\":{\"state\":\"Awake\"}}").credential())
                .isEqualTo("secret");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"v\":2,\"vin\":\"VR3UHZKXZMT123456\",\"id\":\"1\",\"at\":\"2026-11-22T08:15:00Z\","
            + "\"type\":\"telemetry\",\"credential\":\"c\",\"data\":{}}",
            "{\"v\":1,\"vin\":\"VR3UHZKXZMT123456\",\"id\":\"1\",\"at\":\"2026-11-22T08:15:00Z\","
                    + "\"type\":\"telemetry\",\"credential\":\"\",\"data\":{}}",
            "{\"v\":1,\"vin\":\"VR3UHZKXZMT123456\",\"id\":\"1\",\"at\":\"2026-11-22T08:15:00Z\","
                    + "\"type\":\"telemetry\",\"credential\":42,\"data\":{}}",
            "{\"v\":1,\"vin\":\"VR3UHZKXZMT123456\",\"id\":\"bad id!\",\"at\":\"2026-11-22T08:15:00Z\","
                    + "\"type\":\"telemetry\",\"credential\":\"c\",\"data\":{}}",
            "{\"v\":1,\"vin\":\"VR3UHZKXZMT123456\",\"id\":\"1\",\"at\":\"22/11/2026\","
                    + "\"type\":\"telemetry\",\"credential\":\"c\",\"data\":{}}"})
    void rejectsBadEnvelopes(String json) {
        assertThatThrownBy(() -> decode(json)).isInstanceOf(MalformedMessageException.class);
    }

    @Test
    void rejectsNonJsonAndMissingVinWithoutAVin() {
        assertThatThrownBy(() -> decode("hello")).isInstanceOf(MalformedMessageException.class)
                .satisfies(e -> assertThat(((MalformedMessageException) e).vin()).isNull());
        assertThatThrownBy(() -> decode("{\"v\":1}")).isInstanceOf(MalformedMessageException.class);
        assertThatThrownBy(() -> decode("[1,2]")).isInstanceOf(MalformedMessageException.class);
    }

    @Test
    void topicsCarryTheVin() {
        Topics topics = new Topics("odomo/v1");
        String up = topics.uplink("VR3UHZKXZMT123456", MessageType.TELEMETRY);
        assertThat(up).isEqualTo("odomo/v1/vehicles/VR3UHZKXZMT123456/up/telemetry");
        assertThat(topics.vinOf(up)).isEqualTo("VR3UHZKXZMT123456");
        assertThat(topics.vinOf("other/topic")).isNull();
        assertThat(topics.sharedUplinkFilter("g")).isEqualTo("$share/g/odomo/v1/vehicles/+/up/#");
    }
}
