package org.odomo.demo;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.odomo.account.Account;
import org.odomo.account.AccountManagement;
import org.odomo.vehicle.NewVehicle;
import org.odomo.vehicle.RegisteredVehicle;
import org.odomo.vehicle.VehicleRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Creates the demo accounts and registers the demo fleet's vehicles. Idempotent: accounts and
 * vehicles that already exist are left as they are, so a restart never duplicates anything.
 */
@Component
class DemoSeeder {

    private static final Logger log = LoggerFactory.getLogger(DemoSeeder.class);

    private final AccountManagement accounts;
    private final VehicleRegistry registry;

    DemoSeeder(AccountManagement accounts, VehicleRegistry registry) {
        this.accounts = accounts;
        this.registry = registry;
    }

    /** @return the newly registered cars with their credentials (cars already registered are skipped) */
    List<SeededCar> seed(DemoFleet fleet, String password) {
        Map<String, Long> ownerIds = new HashMap<>();
        for (DemoFleet.Owner owner : fleet.owners) {
            Account account = accounts.findByEmail(owner.brand(), owner.email())
                    .orElseGet(() -> accounts.create(owner.brand(), owner.email(), password, owner.firstName(),
                            owner.lastName()));
            ownerIds.put(owner.brand().realm() + "/" + owner.email(), account.id());
        }
        List<SeededCar> seeded = new ArrayList<>();
        for (DemoFleet.Car car : fleet.cars) {
            if (registry.find(car.vin()).isPresent()) {
                continue;
            }
            Long owner = car.ownerEmail() == null ? null : ownerIds.get(car.brand().realm() + "/" + car.ownerEmail());
            RegisteredVehicle registered = registry.register(new NewVehicle(car.vin(), car.brand(), car.modelCode(),
                    owner, car.privacy(), car.services()));
            String activationCode = owner == null ? registry.issueActivationCode(car.vin()) : null;
            seeded.add(new SeededCar(car, registered.credential(), activationCode));
        }
        if (!seeded.isEmpty()) {
            log.info("demo fleet: registered {} vehicles for {} accounts", seeded.size(), fleet.owners.size());
        }
        return seeded;
    }

    record SeededCar(DemoFleet.Car car, String credential, String activationCode) {
    }
}
