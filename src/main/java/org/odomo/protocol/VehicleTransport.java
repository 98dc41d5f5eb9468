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
