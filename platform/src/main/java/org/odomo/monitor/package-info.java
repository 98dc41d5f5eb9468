/**
 * B2C monitors ({@code /connectedcar/v4/user/vehicles/{id}/callbacks/{cbid}/monitors}): event
 * patterns over one vehicle's data that an app declares for one of its users, each notifying
 * through one of the pair's callbacks. A monitor belongs to the (user, app) pair, its vehicle and
 * its callback, and is invisible to any other pair. The trigger evaluation is a pure function of
 * the monitor, its persisted edge state and two consecutive vehicle samples.
 */
@org.springframework.modulith.ApplicationModule(displayName = "B2C monitors")
package org.odomo.monitor;
