package org.odomo.vehicle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class VinTests {

    @ParameterizedTest
    @ValueSource(strings = {"VR3UHZKXZMT123456", "VF7SAHMZ6KW512345", "W0LPD6ED4CG012345", "VR1J45GBUKY123456"})
    void acceptsSeventeenCharactersOfTheVinAlphabet(String value) {
        assertThat(Vin.isValid(value)).isTrue();
        assertThat(new Vin(value).manufacturerCode()).isEqualTo(value.substring(0, 3));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "VR3UHZKXZMT12345", "VR3UHZKXZMT1234567", "VR3UHZKXZMI123456", "VR3UHZKXZMO123456",
            "VR3UHZKXZMQ123456", "vr3uhzkxzmt123456", "VR3UHZKXZMT 23456"})
    void rejectsAnythingElse(String value) {
        assertThat(Vin.isValid(value)).isFalse();
        assertThatThrownBy(() -> new Vin(value)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"PEUGEOT:VR3", "PEUGEOT:VF3", "CITROEN:VF7", "DS:VR1", "OPEL:W0L", "VAUXHALL:W0V"})
    void brandsKnowTheirManufacturerCodes(String pair) {
        String[] p = pair.split(":");
        assertThat(Brand.valueOf(p[0]).builds(new Vin(p[1] + "UHZKXZMT123456"))).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"PEUGEOT:W0L", "OPEL:VR3", "CITROEN:VR1X"})
    void aBrandDoesNotClaimAnotherBrandsCodes(String pair) {
        String[] p = pair.split(":");
        String prefix = p[1].substring(0, 3);
        assertThat(Brand.valueOf(p[0]).builds(new Vin(prefix + "UHZKXZMT123456"))).isFalse();
    }
}
