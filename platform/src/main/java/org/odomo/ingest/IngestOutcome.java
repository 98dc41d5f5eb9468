package org.odomo.ingest;

/** What became of one uplink message. Every outcome is final: the sender need not resend. */
public enum IngestOutcome {
    /** Written to history (and to the current state where newer). */
    STORED,
    /** Already received under the same message id; nothing changed. */
    DUPLICATE,
    /** Authentic and valid, but nothing in it may be uploaded under the vehicle's services and privacy mode. */
    FILTERED,
    /** Not a valid protocol message. */
    MALFORMED,
    /** Unknown VIN, wrong credential, or a topic that names another vehicle. */
    UNAUTHENTICATED
}
