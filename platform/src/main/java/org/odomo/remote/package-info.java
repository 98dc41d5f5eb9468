/**
 * Remote actions. B2C remotes ({@code /connectedcar/v4/user/vehicles/{id}/callbacks/{cbid}/remotes}):
 * actions an app asks a user's vehicle to carry out (lock, horn, lights, charging, preconditioning,
 * wake-up, navigation), each checked against the vehicle's services, model, privacy mode, battery,
 * wake-up budget and stolen state, sent as a {@code command} downlink, and followed through the
 * vehicle's answers to a final status. Every status an action goes through is stored and pushed to
 * the action's callback. An action belongs to the (user, app) pair, its vehicle and its callback.
 *
 * <p>Fleet remotes ({@code /connectedcar/v3/fleets/{fid}/...}) run through the same engine: a
 * fleet's remote callbacks, the remotes a fleet owner sends to the vehicles of its fleet
 * (immobilization and stolen-vehicle declarations included), and the stolen-vehicle declarations
 * with the positions reported meanwhile.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Remotes")
package org.odomo.remote;
