package org.odomo.apps;

/** A partner just registered, with the password shown this once and never again. */
public record RegisteredPartner(Partner partner, String password) {
}
