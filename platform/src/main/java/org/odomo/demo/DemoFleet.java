package org.odomo.demo;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

import org.odomo.vehicle.Brand;
import org.odomo.vehicle.ConnectedService;
import org.odomo.vehicle.DataCategory;
import org.odomo.vehicle.PrivacyMode;
import org.odomo.vehicle.VehicleModel;
import org.odomo.vehicle.VehicleModels;

/**
 * The demo fleet, derived from a seed: which accounts exist and which vehicles each owns. The
 * first vehicles are the documented ones (each brand's driver, the maintenance-only car, the cars
 * in "Data" and plane mode); the rest are fleet cars of every brand and powertrain.
 */
final class DemoFleet {

    private static final String VIN_ALPHABET = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789";

    record Owner(Brand brand, String email, String firstName, String lastName) {
    }

    record Car(String vin, Brand brand, String modelCode, String ownerEmail, PrivacyMode privacy,
            Set<ConnectedService> services, double homeLongitude, double homeLatitude) {
    }

    record Home(String city, double longitude, double latitude) {
    }

    private static final List<Home> FRANCE = List.of(new Home("Paris", 2.3522, 48.8566), new Home("Lyon", 4.8357, 45.7640),
            new Home("Lille", 3.0573, 50.6292), new Home("Nantes", -1.5536, 47.2184),
            new Home("Bordeaux", -0.5792, 44.8378), new Home("Sochaux", 6.8306, 47.5076));
    private static final List<Home> GERMANY = List.of(new Home("Rüsselsheim", 8.4119, 49.9950),
            new Home("Frankfurt", 8.6821, 50.1109), new Home("Cologne", 6.9603, 50.9375),
            new Home("Munich", 11.5820, 48.1351));
    private static final List<Home> BRITAIN = List.of(new Home("Luton", -0.4200, 51.8787),
            new Home("London", -0.1276, 51.5072), new Home("Birmingham", -1.8904, 52.4862),
            new Home("Manchester", -2.2426, 53.4808));

    final List<Owner> owners = new ArrayList<>();
    final List<Car> cars = new ArrayList<>();
    private final SplittableRandom random;
    private final Set<String> vins = new HashSet<>();

    DemoFleet(long seed, int vehicles) {
        this.random = new SplittableRandom(seed);
        for (Brand brand : Brand.values()) {
            owners.add(new Owner(brand, driverEmail(brand), "Demo", brand.label() + " driver"));
            owners.add(new Owner(brand, fleetEmail(brand), "Fleet", brand.label()));
        }
        Set<ConnectedService> partner = EnumSet.of(ConnectedService.PARTNER);
        Set<ConnectedService> partnerAndRemote = EnumSet.of(ConnectedService.PARTNER, ConnectedService.REMOTE_CONTROL);
        for (Brand brand : Brand.values()) {
            List<VehicleModel> models = VehicleModels.ofBrand(brand);
            add(brand, models.get(0).code(), driverEmail(brand), PrivacyMode.DATA_AND_LOCATION, partnerAndRemote);
            add(brand, models.get(1).code(), driverEmail(brand), PrivacyMode.DATA_AND_LOCATION, partner);
        }
        add(Brand.PEUGEOT, "P-308", driverEmail(Brand.PEUGEOT), PrivacyMode.DATA_AND_LOCATION,
                EnumSet.of(ConnectedService.TMTS));
        add(Brand.PEUGEOT, "P-3008H", driverEmail(Brand.PEUGEOT), PrivacyMode.DATA, partnerAndRemote);
        add(Brand.PEUGEOT, "P-EXPH2", driverEmail(Brand.PEUGEOT), PrivacyMode.PLANE, partner);
        // Cars nobody owns yet, to try the sign-up with a VIN and an activation code.
        for (Brand brand : Brand.values()) {
            add(brand, VehicleModels.ofBrand(brand).get(0).code(), null, PrivacyMode.DATA_AND_LOCATION, partner);
        }
        List<VehicleModel> all = VehicleModels.all();
        while (cars.size() < vehicles) {
            VehicleModel model = all.get(random.nextInt(all.size()));
            Set<ConnectedService> services = random.nextInt(10) == 0 ? EnumSet.of(ConnectedService.TMTS)
                    : random.nextInt(3) == 0 ? partnerAndRemote : partner;
            add(model.brand(), model.code(), fleetEmail(model.brand()), PrivacyMode.DATA_AND_LOCATION, services);
        }
        if (cars.size() > vehicles) {
            cars.subList(vehicles, cars.size()).clear();
        }
    }

    record PlannedCollision(String vin, Instant notBefore) {
    }

    /**
     * The collisions a backfill of {@code window} from {@code from} plans, so that the demo always
     * has some to show however rare they are by chance: one for a demo driver's car and two for
     * fleet cars, chosen from the seed among the cars that report collisions with their location.
     * Each happens on the car's first trip after a moment in the first half of the window (a car
     * drives at least every few days, so it still has a trip to come).
     */
    static List<PlannedCollision> plannedCollisions(long seed, List<Car> cars, Instant from, Duration window) {
        SplittableRandom r = new SplittableRandom(seed ^ 0x636f6c6c6973696fL);
        List<Car> reporting = cars.stream().filter(c -> c.ownerEmail() != null
                && c.privacy() == PrivacyMode.DATA_AND_LOCATION
                && ConnectedService.dataCoveredBy(c.services()).contains(DataCategory.COLLISION)).toList();
        List<Car> drivers = reporting.stream().filter(c -> c.ownerEmail().startsWith("driver@")).toList();
        List<Car> fleet = new ArrayList<>(reporting.stream().filter(c -> c.ownerEmail().startsWith("fleet@")).toList());
        List<Car> chosen = new ArrayList<>();
        if (!drivers.isEmpty()) {
            chosen.add(drivers.get(r.nextInt(drivers.size())));
        }
        for (int i = 0; i < 2 && !fleet.isEmpty(); i++) {
            chosen.add(fleet.remove(r.nextInt(fleet.size())));
        }
        List<PlannedCollision> planned = new ArrayList<>();
        for (Car car : chosen) {
            long at = (long) (window.toSeconds() * (0.15 + 0.35 * r.nextDouble()));
            planned.add(new PlannedCollision(car.vin(), from.plusSeconds(at)));
        }
        return planned;
    }

    static String driverEmail(Brand brand) {
        return "driver@" + brand.name().toLowerCase() + ".example";
    }

    static String fleetEmail(Brand brand) {
        return "fleet@" + brand.name().toLowerCase() + ".example";
    }

    private void add(Brand brand, String modelCode, String owner, PrivacyMode privacy, Set<ConnectedService> services) {
        List<Home> region = switch (brand) {
            case OPEL -> GERMANY;
            case VAUXHALL -> BRITAIN;
            default -> FRANCE;
        };
        Home home = region.get(random.nextInt(region.size()));
        // Homes spread over the city's suburbs, a few kilometres around its centre.
        double lon = home.longitude() + (random.nextDouble() - 0.5) * 0.12;
        double lat = home.latitude() + (random.nextDouble() - 0.5) * 0.08;
        cars.add(new Car(newVin(brand), brand, modelCode, owner, privacy, services, lon, lat));
    }

    private String newVin(Brand brand) {
        List<String> codes = new ArrayList<>(brand.manufacturerCodes());
        codes.sort(null);
        while (true) {
            StringBuilder vin = new StringBuilder(codes.get(random.nextInt(codes.size())));
            while (vin.length() < 17) {
                vin.append(VIN_ALPHABET.charAt(random.nextInt(VIN_ALPHABET.length())));
            }
            if (vins.add(vin.toString())) {
                return vin.toString();
            }
        }
    }
}
