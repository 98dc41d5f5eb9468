/**
 * Delivering notifications to the receivers that apps and fleet owners declare (webhooks,
 * websockets, push services), durably, at least once, in order per monitor or remote, under the
 * retry policy of the receiver's owner.
 *
 * <p>The features that own receivers (B2C callbacks today, B2B fleet monitors and remote callbacks
 * later) describe them to the engine through {@link org.odomo.delivery.DeliveryDestinations}; the
 * engine never reads their tables.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Notification delivery")
package org.odomo.delivery;
