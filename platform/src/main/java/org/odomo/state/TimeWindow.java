package org.odomo.state;

import java.time.Instant;

/** A half-open time interval [from, to) used to select history. */
public record TimeWindow(Instant from, Instant to) {
}
