package org.odomo.vehicle;

import static org.odomo.vehicle.RemoteType.*;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The model catalogue: recent models of the five brands across the four powertrains, with
 * realistic energy figures. Remote support follows the generation of the telematics unit: plug-in
 * models take charging commands, electrified ones preconditioning, and only the newest navigation.
 */
public final class VehicleModels {

    private static final Map<String, VehicleModel> MODELS = new LinkedHashMap<>();

    static {
        add(new VehicleModel("P-E208", Brand.PEUGEOT, "Peugeot e-208", Motorization.BEV, 48.1, 14.5, 0, 0, 11, 4,
                VehicleModel.remotes(DOOR, HORN, LIGHTS, CHARGING, PRECONDITIONING, WAKE_UP, NAVIGATION)));
        add(new VehicleModel("P-308", Brand.PEUGEOT, "Peugeot 308 PureTech 130", Motorization.ICE, 0, 0, 52, 5.6, 0, 0,
                VehicleModel.remotes(DOOR, HORN, LIGHTS, WAKE_UP, NAVIGATION)));
        add(new VehicleModel("P-3008H", Brand.PEUGEOT, "Peugeot 3008 Hybrid4 300", Motorization.PHEV, 12.4, 18.0, 43, 6.2, 7.4, 4,
                VehicleModel.remotes(DOOR, HORN, LIGHTS, CHARGING, PRECONDITIONING, WAKE_UP)));
        add(new VehicleModel("P-EXPH2", Brand.PEUGEOT, "Peugeot e-Expert Hydrogen", Motorization.FCEV, 10.5, 20.0, 4.4, 1.0, 0, 4,
                VehicleModel.remotes(DOOR, HORN, LIGHTS, PRECONDITIONING, WAKE_UP)));
        add(new VehicleModel("C-EC4", Brand.CITROEN, "Citroën ë-C4", Motorization.BEV, 50.0, 15.5, 0, 0, 11, 4,
                VehicleModel.remotes(DOOR, HORN, LIGHTS, CHARGING, PRECONDITIONING, WAKE_UP)));
        add(new VehicleModel("C-C5AX", Brand.CITROEN, "Citroën C5 Aircross BlueHDi 130", Motorization.ICE, 0, 0, 53, 5.0, 0, 0,
                VehicleModel.remotes(DOOR, HORN, LIGHTS, WAKE_UP)));
        add(new VehicleModel("C-C5AXH", Brand.CITROEN, "Citroën C5 Aircross Hybrid 225", Motorization.PHEV, 13.2, 17.5, 43, 6.0, 7.4, 4,
                VehicleModel.remotes(DOOR, HORN, LIGHTS, CHARGING, PRECONDITIONING, WAKE_UP)));
        add(new VehicleModel("DS-3ET", Brand.DS, "DS 3 E-Tense", Motorization.BEV, 50.0, 15.0, 0, 0, 11, 4,
                VehicleModel.remotes(DOOR, HORN, LIGHTS, CHARGING, PRECONDITIONING, WAKE_UP, NAVIGATION)));
        add(new VehicleModel("DS-7ET", Brand.DS, "DS 7 E-Tense 4x4 300", Motorization.PHEV, 13.2, 19.0, 43, 6.5, 7.4, 4,
                VehicleModel.remotes(DOOR, HORN, LIGHTS, CHARGING, PRECONDITIONING, WAKE_UP, NAVIGATION)));
        add(new VehicleModel("O-CORSAE", Brand.OPEL, "Opel Corsa Electric", Motorization.BEV, 48.1, 14.8, 0, 0, 11, 4,
                VehicleModel.remotes(DOOR, HORN, LIGHTS, CHARGING, PRECONDITIONING, WAKE_UP)));
        add(new VehicleModel("O-ASTRA", Brand.OPEL, "Opel Astra 1.2 Turbo", Motorization.ICE, 0, 0, 52, 5.4, 0, 0,
                VehicleModel.remotes(DOOR, HORN, LIGHTS, WAKE_UP)));
        add(new VehicleModel("O-VIVH2", Brand.OPEL, "Opel Vivaro-e Hydrogen", Motorization.FCEV, 10.5, 20.0, 4.4, 1.0, 0, 4,
                VehicleModel.remotes(DOOR, HORN, LIGHTS, PRECONDITIONING, WAKE_UP)));
        add(new VehicleModel("V-MOKKAE", Brand.VAUXHALL, "Vauxhall Mokka Electric", Motorization.BEV, 50.0, 15.8, 0, 0, 11, 4,
                VehicleModel.remotes(DOOR, HORN, LIGHTS, CHARGING, PRECONDITIONING, WAKE_UP)));
        add(new VehicleModel("V-GRANDX", Brand.VAUXHALL, "Vauxhall Grandland Hybrid", Motorization.PHEV, 12.4, 18.5, 43, 6.3, 7.4, 4,
                VehicleModel.remotes(DOOR, HORN, LIGHTS, CHARGING, PRECONDITIONING, WAKE_UP)));
        add(new VehicleModel("V-CORSA", Brand.VAUXHALL, "Vauxhall Corsa 1.2", Motorization.ICE, 0, 0, 44, 5.3, 0, 0,
                VehicleModel.remotes(DOOR, HORN, LIGHTS, WAKE_UP)));
    }

    private VehicleModels() {
    }

    private static void add(VehicleModel model) {
        MODELS.put(model.code(), model);
    }

    public static Optional<VehicleModel> byCode(String code) {
        return Optional.ofNullable(MODELS.get(code));
    }

    public static VehicleModel require(String code) {
        return byCode(code).orElseThrow(() -> new IllegalArgumentException("unknown vehicle model " + code));
    }

    public static List<VehicleModel> all() {
        return List.copyOf(MODELS.values());
    }

    public static List<VehicleModel> ofBrand(Brand brand) {
        return MODELS.values().stream().filter(m -> m.brand() == brand).toList();
    }
}
