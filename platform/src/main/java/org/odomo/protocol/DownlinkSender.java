package org.odomo.protocol;

/** The platform's side of sending messages to a vehicle. */
public interface DownlinkSender {

    void send(String vin, MessageType type, byte[] json);
}
