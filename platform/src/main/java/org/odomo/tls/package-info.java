/**
 * The platform's own HTTPS connector, beside the plain HTTP one: it asks every client for a
 * certificate, so that fleet owners reach the B2B API with mutual TLS and no proxy in front.
 */
@org.springframework.modulith.ApplicationModule(displayName = "HTTPS")
package org.odomo.tls;
