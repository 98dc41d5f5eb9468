/**
 * B2C monitors ({@code /connectedcar/v4/user/vehicles/{id}/callbacks/{cbid}/monitors}): event
 * patterns over one vehicle's data that an app declares for one of its users, each notifying
 * through one of the pair's callbacks. A monitor belongs to the (user, app) pair, its vehicle and
 * its callback, and is invisible to any other pair. The trigger evaluation is a pure function of
 * the monitor, its persisted edge state and two consecutive vehicle samples.
 *
 * <p>Also the B2B fleet monitors ({@code /connectedcar/v3/fleets/{fid}/monitors}): one monitor of a
 * partner's fleet watches every vehicle the fleet holds, with an edge state per vehicle, and is
 * itself the delivery destination of its notifications (its own webhook, retry policy and batches).
 */
@org.springframework.modulith.ApplicationModule(displayName = "B2C monitors")
package org.odomo.monitor;
