package org.odomo.apps;

/**
 * A service level agreement: how many calls an app may make.
 *
 * @param dayLimit   calls over any sliding 24 hours
 * @param burstLimit calls within one second
 */
public record SlaPlan(String code, String label, long dayLimit, int burstLimit) {
}
