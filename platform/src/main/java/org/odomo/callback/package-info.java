/**
 * B2C callbacks ({@code /connectedcar/v4/user/callbacks}): the reusable notification channels
 * (webhook, websocket, push devices) that an app declares for one of its users, which monitors and
 * remotes then name. Each belongs to one (user, app) pair and is invisible to any other. The
 * delivery engine reads them through {@link org.odomo.delivery.DeliveryDestinations} at send time.
 */
@org.springframework.modulith.ApplicationModule(displayName = "B2C callbacks")
package org.odomo.callback;
