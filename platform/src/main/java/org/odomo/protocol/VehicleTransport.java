package org.odomo.protocol;

import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * The vehicle's side of a transport: how a vehicle (real or simulated) sends its messages and
 * receives the platform's. Implemented over MQTT and in-process.
 */
public interface VehicleTransport {

    /**
     * Opens the vehicle's link. Downlink messages for this VIN are handed to {@code downlink} as
     * raw JSON bytes.
     */
    VehicleLink connect(String vin, Consumer<byte[]> downlink);

    /**
     * Opens the vehicle's link with its credential, for a transport on which each vehicle
     * authenticates itself (its own MQTT account); the others ignore the credential.
     */
    default VehicleLink connect(String vin, String credential, Consumer<byte[]> downlink) {
        return connect(vin, downlink);
    }

    /**
     * Whether a link opened with the vehicle's credential proves the sender by itself, so that
     * its messages may leave the credential out of their body.
     */
    default boolean linksProveTheVehicle() {
        return false;
    }

    /** One vehicle's open link. */
    interface VehicleLink extends AutoCloseable {

        /**
         * Sends an uplink message. The stage completes when the platform has taken
         * responsibility for it (durably stored or definitively rejected), and fails when it
         * could not be delivered, in which case the vehicle should send it again later.
         */
        CompletionStage<Void> send(MessageType type, byte[] json);

        @Override
        void close();
    }
}
