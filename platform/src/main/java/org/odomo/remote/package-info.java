/**
 * B2C remotes ({@code /connectedcar/v4/user/vehicles/{id}/callbacks/{cbid}/remotes}): actions an
 * app asks a user's vehicle to carry out (lock, horn, lights, charging, preconditioning, wake-up,
 * navigation), each checked against the vehicle's services, model, privacy mode, battery and
 * wake-up budget, sent as a {@code command} downlink, and followed through the vehicle's answers
 * to a final status. Every status an action goes through is stored and pushed to the action's
 * callback. An action belongs to the (user, app) pair, its vehicle and its callback.
 */
@org.springframework.modulith.ApplicationModule(displayName = "B2C remotes")
package org.odomo.remote;
