package org.odomo.vehicle;

import java.util.Arrays;
import java.util.Optional;
import java.util.Set;

/**
 * The five ex-PSA brands, each with its own end-user identity realm and the world manufacturer
 * identifiers (first three VIN characters) under which its cars are built.
 */
public enum Brand {
    PEUGEOT("Peugeot", "clientsB2CPeugeot", "peugeot.com", Set.of("VF3", "VR3", "VGA")),
    CITROEN("Citroën", "clientsB2CCitroen", "citroen.com", Set.of("VF7", "VR7")),
    DS("DS", "clientsB2CDS", "driveds.com", Set.of("VR1", "VF7")),
    OPEL("Opel", "clientsB2COpel", "opel.com", Set.of("W0L", "W0V", "VXK", "VXE")),
    VAUXHALL("Vauxhall", "clientsB2CVauxhall", "vauxhall.co.uk", Set.of("W0L", "W0V", "VXK", "SED"));

    private final String label;
    private final String realm;
    private final String domain;
    private final Set<String> manufacturerCodes;

    Brand(String label, String realm, String domain, Set<String> manufacturerCodes) {
        this.label = label;
        this.realm = realm;
        this.domain = domain;
        this.manufacturerCodes = manufacturerCodes;
    }

    public String label() {
        return label;
    }

    public String realm() {
        return realm;
    }

    public String domain() {
        return domain;
    }

    public Set<String> manufacturerCodes() {
        return manufacturerCodes;
    }

    public boolean builds(Vin vin) {
        return manufacturerCodes.contains(vin.manufacturerCode());
    }

    public static Optional<Brand> ofRealm(String realm) {
        return Arrays.stream(values()).filter(b -> b.realm.equals(realm)).findFirst();
    }
}
