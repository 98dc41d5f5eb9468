package org.odomo.client;

import java.time.Instant;

/**
 * Where a vehicle was (a GeoJSON point of the API).
 *
 * @param longitude degrees
 * @param latitude  degrees
 * @param altitude  metres; null when not measured
 * @param createdAt when the vehicle measured it; null when not given
 * @param heading   degrees from north (0 to 360); null when not given
 * @param type      {@code Acquire} (a fix) or {@code Estimated}; null when not given
 * @param fixStatus {@code 2D} or {@code 3D}; null when not given
 */
public record Position(double longitude, double latitude, Double altitude, Instant createdAt, Integer heading,
        String type, String fixStatus) {
}
