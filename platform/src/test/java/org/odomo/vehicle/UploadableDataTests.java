package org.odomo.vehicle;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;

import org.junit.jupiter.api.Test;

class UploadableDataTests {

    @Test
    void partnerServiceInDataAndLocationModeUploadsEverything() {
        assertThat(Vehicle.uploadableData(Set.of(ConnectedService.PARTNER), PrivacyMode.DATA_AND_LOCATION))
                .containsExactlyInAnyOrder(DataCategory.values());
    }

    @Test
    void dataModeKeepsThePositionInTheCar() {
        assertThat(Vehicle.uploadableData(Set.of(ConnectedService.PARTNER), PrivacyMode.DATA))
                .doesNotContain(DataCategory.POSITION).contains(DataCategory.TELEMETRY, DataCategory.ALERT);
    }

    @Test
    void planeModeUploadsNothing() {
        assertThat(Vehicle.uploadableData(Set.of(ConnectedService.PARTNER), PrivacyMode.PLANE)).isEmpty();
    }

    @Test
    void maintenanceOnlyServiceNeverRevealsThePosition() {
        assertThat(Vehicle.uploadableData(Set.of(ConnectedService.TMTS), PrivacyMode.DATA_AND_LOCATION))
                .containsExactly(DataCategory.MAINTENANCE);
    }

    @Test
    void noServiceNoData() {
        assertThat(Vehicle.uploadableData(Set.of(), PrivacyMode.DATA_AND_LOCATION)).isEmpty();
    }

    @Test
    void modelsMatchTheirBrandAndPowertrain() {
        for (VehicleModel model : VehicleModels.all()) {
            assertThat(model.code()).isNotBlank();
            if (model.motorization() == Motorization.ICE) {
                assertThat(model.batteryKwh()).isZero();
                assertThat(model.remotes()).doesNotContain(RemoteType.CHARGING);
                assertThat(model.producedData()).doesNotContain("data:telemetry:vehicle:alarm");
            }
            if (model.motorization() == Motorization.BEV) {
                assertThat(model.tankLitres()).isZero();
                assertThat(model.producedData()).doesNotContain("data:telemetry:vehicle:transmission");
            }
        }
        for (Brand brand : Brand.values()) {
            assertThat(VehicleModels.ofBrand(brand)).isNotEmpty();
        }
        for (Motorization m : Motorization.values()) {
            assertThat(VehicleModels.all()).anyMatch(model -> model.motorization() == m);
        }
    }
}
