package org.odomo.vehicle;

import java.util.EnumSet;
import java.util.Set;

/**
 * Connected-vehicle services: products a user subscribes for one vehicle. Each is bound to the
 * data it lets the vehicle upload and the remote actions it allows, which is how the platform
 * practises data minimisation: what no active service covers is never stored.
 */
public enum ConnectedService {
    /** Full data and remote access for third-party partner apps. */
    PARTNER("Connected partner", EnumSet.allOf(DataCategory.class), EnumSet.allOf(RemoteType.class)),
    /** Tele-maintenance tele-service: maintenance data only, never the position. */
    TMTS("Tele-maintenance tele-service", EnumSet.of(DataCategory.MAINTENANCE), EnumSet.noneOf(RemoteType.class)),
    /** Remote control from an app, with the status data needed to see the result of an action. */
    REMOTE_CONTROL("e-Remote control", EnumSet.of(DataCategory.TELEMETRY), EnumSet.allOf(RemoteType.class)),
    /** Emergency and assistance: collisions and the position where they happened. */
    ASSISTANCE("Emergency and assistance", EnumSet.of(DataCategory.COLLISION, DataCategory.POSITION),
            EnumSet.noneOf(RemoteType.class));

    private final String label;
    private final Set<DataCategory> data;
    private final Set<RemoteType> remotes;

    ConnectedService(String label, Set<DataCategory> data, Set<RemoteType> remotes) {
        this.label = label;
        this.data = data;
        this.remotes = remotes;
    }

    public String label() {
        return label;
    }

    public Set<DataCategory> data() {
        return data;
    }

    public Set<RemoteType> remotes() {
        return remotes;
    }

    public static Set<DataCategory> dataCoveredBy(Set<ConnectedService> services) {
        EnumSet<DataCategory> covered = EnumSet.noneOf(DataCategory.class);
        services.forEach(s -> covered.addAll(s.data));
        return covered;
    }

    public static Set<RemoteType> remotesCoveredBy(Set<ConnectedService> services) {
        EnumSet<RemoteType> covered = EnumSet.noneOf(RemoteType.class);
        services.forEach(s -> covered.addAll(s.remotes));
        return covered;
    }
}
