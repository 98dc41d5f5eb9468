package org.odomo.demo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.odomo.apps.Certificates;
import org.odomo.apps.Partner;
import org.odomo.apps.PartnerRegistration;
import org.odomo.apps.PartnerRegistry;
import org.odomo.apps.PlatformCertificateAuthority;
import org.odomo.fleet.Fleet;
import org.odomo.fleet.FleetDirectory;
import org.odomo.vehicle.ConnectedService;
import org.odomo.vehicle.PrivacyMode;
import org.odomo.vehicle.Scopes;
import org.odomo.vehicle.VehicleRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The demo's fleet owner: a partner with a contract covering every data and remote scope, the
 * client key and certificate a fleet owner keeps (written to {@code <data-dir>/demo/}, with the
 * platform CA's certificate, for curl), and two fleets of simulated fleet cars (none of the
 * documented cars of the demo drivers, nor the unowned ones kept for the sign-up). Idempotent: a
 * restart finds the partner, its files and its fleets, and creates nothing, so its client id, key
 * and fleet ids stay what they were.
 */
@Component
class DemoPartner {

    private static final Logger log = LoggerFactory.getLogger(DemoPartner.class);

    static final String LOGIN = "demo-fleet-owner";
    /** Derived from the login, so that the same demo data gives the same client id everywhere. */
    static final String CLIENT_ID = UUID.nameUUIDFromBytes(("odomo-demo-partner:" + LOGIN)
            .getBytes(StandardCharsets.UTF_8)).toString();
    static final int CARS_PER_FLEET = 4;
    private static final String DELIVERY = "Demo delivery vans";
    private static final String FIELD_SALES = "Demo field sales cars";

    /** What the banner shows and what a fleet owner's client needs. */
    record Seeded(Partner partner, String password, List<Fleet> fleets, Path key, Path certificate, Path ca) {
    }

    private final PartnerRegistry partners;
    private final PlatformCertificateAuthority ca;
    private final FleetDirectory fleets;
    private final VehicleRegistry vehicles;
    private final Path dir;

    DemoPartner(PartnerRegistry partners, PlatformCertificateAuthority ca, FleetDirectory fleets,
            VehicleRegistry vehicles, @Value("${odomo.data-dir}") String dataDir) {
        this.partners = partners;
        this.ca = ca;
        this.fleets = fleets;
        this.vehicles = vehicles;
        this.dir = Path.of(dataDir).resolve("demo");
    }

    Path keyFile() {
        return dir.resolve("partner-key.pem");
    }

    Path certificateFile() {
        return dir.resolve("partner-cert.pem");
    }

    Path caFile() {
        return dir.resolve("ca.pem");
    }

    /**
     * The demo partner, its credentials on disk and its fleets, created where missing.
     *
     * @param since from when the fleets created here see their cars' data (the start of the
     *              backfilled past); null for now
     */
    Seeded ensure(DemoFleet plan, String password, java.time.Instant since) throws IOException {
        java.util.Set<String> contract = new java.util.LinkedHashSet<>(Scopes.ALL);
        contract.addAll(Scopes.FLEET_ONLY);
        Partner partner = partners.ensureRegistered(new PartnerRegistration("Demo fleet owner", "Odomo demo fleets",
                "fleet-owner@odomo.example", LOGIN, contract, "premium"), CLIENT_ID, password);
        Files.createDirectories(dir);
        if (!holdsCertificateInForce(partner)) {
            // as a fleet owner does: a key of its own, and the CA signs its request
            KeyPair key = DemoPartnerKeys.rsa2048();
            String certificate = partners.issueCertificate(partner.id(), DemoPartnerKeys.csr(key, LOGIN)).certificatePem();
            Files.writeString(keyFile(), DemoPartnerKeys.pem(key.getPrivate()));
            try {
                Files.setPosixFilePermissions(keyFile(), PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system: left as created
            }
            Files.writeString(certificateFile(), certificate);
            partner = partners.find(partner.id()).orElseThrow();
            log.info("demo partner {}: new client key and certificate in {}", LOGIN, dir);
        }
        if (!Files.exists(caFile())) {
            Files.writeString(caFile(), ca.certificatePem());
        }
        List<Fleet> own = fleets.ofPartner(partner.id());
        List<Fleet> demoFleets = new ArrayList<>();
        List<DemoFleet.Car> candidates = fleetCars(plan);
        demoFleets.add(fleet(partner, own, since, DELIVERY, "vans of the demo fleet, remote control included",
                candidates.stream().filter(c -> c.services().contains(ConnectedService.REMOTE_CONTROL))
                        .limit(CARS_PER_FLEET).toList()));
        demoFleets.add(fleet(partner, own, since, FIELD_SALES, "cars of the demo fleet's sales staff",
                candidates.stream().filter(c -> !c.services().contains(ConnectedService.REMOTE_CONTROL))
                        .limit(CARS_PER_FLEET).toList()));
        return new Seeded(partner, password, demoFleets, keyFile(), certificateFile(), caFile());
    }

    /**
     * The cars a demo partner may take: the fleet accounts' cars that share their data with
     * partners and show where they are (the demo drivers' cars and the unowned ones stay as the
     * README describes them).
     */
    private static List<DemoFleet.Car> fleetCars(DemoFleet plan) {
        return plan.cars.stream().filter(c -> c.ownerEmail() != null && c.ownerEmail().startsWith("fleet@")
                && c.privacy() == PrivacyMode.DATA_AND_LOCATION && c.services().contains(ConnectedService.PARTNER))
                .toList();
    }

    private Fleet fleet(Partner partner, List<Fleet> own, java.time.Instant since, String name, String description,
            List<DemoFleet.Car> cars) {
        Optional<Fleet> existing = own.stream().filter(f -> f.name().equals(name)).findFirst();
        if (existing.isPresent()) {
            return existing.get();
        }
        Fleet fleet = fleets.create(partner.id(), name, description);
        int added = 0;
        for (DemoFleet.Car car : cars) {
            if (vehicles.find(car.vin()).isPresent()) {
                fleets.addVehicle(fleet.id(), car.vin(), since);
                added++;
            }
        }
        log.info("demo partner {}: fleet \"{}\" ({}) with {} cars", LOGIN, name, fleet.id(), added);
        return fleet;
    }

    /** Whether the key and certificate on disk are the partner's, the certificate the one in force. */
    private boolean holdsCertificateInForce(Partner partner) throws IOException {
        if (partner.certificateSerial() == null || !Files.exists(keyFile()) || !Files.exists(certificateFile())) {
            return false;
        }
        try {
            return Certificates.serialHex(Certificates.parse(Files.readString(certificateFile())))
                    .equals(partner.certificateSerial());
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
