package org.odomo.protocol;

import static org.odomo.protocol.Shape.*;

import java.util.List;
import java.util.Set;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The shapes of the protocol's data parts and event sections, following the B2C v4 status
 * objects field for field (names, units, enums).
 */
final class VehicleDataShapes {

    static final Set<String> ALERT_TYPES = Set.of(
            "AbsBrakingSystemFault", "ActiveSpoilerFault", "AdBlueFault", "AdBlueFaultStartingImpossible",
            "AdBlueFaultStartingImpossibleSoon", "AddWasherFluid", "AirbagOrSeatBeltPretensionerOrActiveHoodFailure",
            "AssistanceButtonFault", "AutomaticBrakingDeactivated", "AutomaticHeadlightAdjustmentFault",
            "BatteryChargeOrElectricalCircuitSystemFailure", "BrakingSystemFailure", "ChargingFailure",
            "CheckTheCenterBrakeLamp", "CollisionDetectionSystemFault", "CollisionMitigationSystemFault",
            "CoolantLevellow", "DrivingAssistanceSensorBlind", "ElectricTractionSystemFailureLimitSpeed",
            "ElectricTractionSystemFailureStopVehicle", "ElectricTractionSystemFault", "ElectronicImmobiliserFault",
            "EmissionSystemOrAdBlueQualityFailueStartingImpossible",
            "EmissionSystemOrAdBlueQualityFailueStartingImpossibleSoon", "EmissionSystemOrAdBlueQualityFailure",
            "EngineFailure", "EngineFault", "EngineMisfiringFuel", "EngineOilPressureFailure",
            "EngineTemperatureFailure", "EspAsrSystemFault", "FrontLeftFlashingIndicatorFault",
            "FrontLeftFogLampsFault", "FrontLeftParkingLampsFault", "FrontRightFlashingIndicatorFault",
            "FrontRightFogLampsFault", "FrontRightParkingLampsFault", "FuelLevelLow", "GearboxFault",
            "HeadlightsFault", "InstalledSpareWheelFault", "InterVehicleTimeMeasurementFault",
            "LaneChangeAssistanceFault", "LaneDepartureWarningSystemFault", "LeftBrakeLampFault", "LeftFrontDoorOpen",
            "LeftFrontDoorOpenLowSpeed", "LeftFrontTirePressurSensorFault", "LeftFrontTirePuncture",
            "LeftFrontTireUnderInflated", "LeftRearDoorOpen", "LeftRearDoorOpenLowSpeed",
            "LeftRearTirePressurSensorFault", "LeftRearTirePuncture", "LeftRearTireUnderInflated",
            "LeftReverseLampFault", "OilLevelLow", "ParkAssistSystemFault", "ParkingBrakeOrHillStartSystemFailure",
            "ParticleFilterAdditiveLevelTooLow", "ParticleFilterFull", "ParticleFilterRegenerating",
            "PowerSteeringFailure", "PowerSteeringFault", "PreheatingPreventilationDeactivatedBatteryLow",
            "PreheatingPreventilationDeactivatedClockUnset", "PreheatingPreventilationDeactivatedFuelLevelLow",
            "RearLeftFlashingIndicatorFault", "RearLeftFogLampsFault", "RearLeftParkingLampsFault",
            "RearRightFlashingIndicatorFault", "RearRightFogLampsFault", "RearRightParkingLampsFault",
            "RearWindowOpen", "RearWindowOpenLowSpeed", "ReplaceBrakePads", "ReplaceTheRemoteControlBattery",
            "RetractableRoofMechanismFault", "RightBrakeLampFault", "RightFrontDoorOpenLowSpeed", "RightFrontDoorOpen",
            "RightFrontTirePressurSensorFault", "RightFrontTirePuncture", "RightFrontTireUnderInflated",
            "RightRearDoorOpen", "RightRearDoorOpenLowSpeed", "RightRearTirePressurSensorFault",
            "RightRearTirePuncture", "RightRearTireUnderInflated", "RightReverseLampFault", "RiskOfIce",
            "RoofOperationNotPossibleSpeedUnknown", "RoofOperationNotPossibleTooHighTemp", "ShiftToPark",
            "SteeringLockFault", "SuspensionFault", "SuspensionFaultLimitSpeed", "SuspensionFaultRepaireVehicle",
            "TireUnderInflationDetectionSystemFault", "TooManyRoofOperation", "TrailerConnectionFault",
            "TrunkOrHoodOpen", "TrunkOrHoodOpenLowSpeed", "WaterInTheDieselFuelFilter");

    static final Set<String> BREAK_IN_TYPES = Set.of("NoBreakIn", "FrontRightDoorBreakIn", "FrontLeftDoorBreakIn",
            "RearRightFrontDoorBreakIn", "RearLeftFrontDoorBreakIn", "HoodDoorBreakIn", "TrunkDoorBreakIn",
            "BackliteDoorBreakIn", "RoofBreakIn", "VolumetricBreakIn", "VehicleLifting", "ElectricalsystemBreakIn",
            "KeyLearning", "UnauthenticatedStartup");

    static final Set<String> REMOTE_FAILURE_CAUSES = Set.of("GeneralError", "VehicleError", "WrongCommand",
            "VehicleConnectionTimeout", "MissingRights", "NotPossibleDueToVehicleBatteryLevel",
            "NotPossibleDueToVehiclePrivacyLevel", "TooManyWakeUpsOverMonth", "TooManyRequestInShortTime",
            "SameActionInProgress", "NotPossibleDueToVehicleStolenState", "VehicleInUse", "TooManyRequestSent",
            "DoorsOpen", "VehicleErrorOrCidInside", "CidInside", "ExternalChargingSystemError",
            "VehicleChargingSystemError", "VehicleIsNotLocked", "CanceledByDriver");

    private static final Shape CONSUMPTION = obj().requiredField("consumption", number(0, 1e9));
    private static final Shape PERCENT = integer(0, 100);
    private static final Shape LIGHTS = array(obj()
            .field("direction", enumOf("Left", "Right"))
            .field("position", enumOf("Front", "Rear"))
            .field("status", enumOf("Off", "On")), 8);
    private static final Shape DAYS = array(enumOf("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"), 7);
    private static final Shape PROGRAM = obj()
            .field("slot", integer(1, 4))
            .field("enabled", bool())
            .field("recurrence", enumOf("None", "Daily"))
            .field("start", text(32))
            .field("end", text(32))
            .field("chargeUntilFull", bool())
            .field("occurence", obj().requiredField("day", DAYS));
    private static final Shape FLUID = obj().field("level", PERCENT).field("temp", number(-60, 250));

    private static Obj part() {
        return obj().field("createdAt", time());
    }

    static final Obj DATA = obj()
            .field("ignition", part().requiredField("type", enumOf("Stop", "StartUp", "Start")))
            .field("position", part()
                    .requiredField("coordinates", new Coordinates())
                    .field("heading", integer(0, 360))
                    .field("signalQuality", integer(0, 100))
                    .field("type", enumOf("Estimated", "Acquire"))
                    .field("fixStatus", enumOf("2D", "3D")))
            .field("kinetic", part()
                    .field("speed", number(0, 400))
                    .field("acceleration", number(-50, 50))
                    .field("moving", bool()))
            .field("odometer", part().requiredField("mileage", number(0, 5_000_000)))
            .field("energies", array(part()
                    .requiredField("type", enumOf("Fuel", "Electric"))
                    .field("subType", enumOf("FossilEnergy", "ElectricEnergy", "Hydrogen"))
                    .field("level", number(0, 100))
                    .field("autonomy", integer(0, 5000))
                    .field("extension", obj()
                            .field("fuel", obj()
                                    .field("consumption", CONSUMPTION)
                                    .field("consumptions", obj()
                                            .field("total", number(0, 1e9))
                                            .field("instant", number(0, 1000))))
                            .field("electric", obj()
                                    .field("residual", CONSUMPTION)
                                    .field("consumption", CONSUMPTION)
                                    .field("battery", obj()
                                            .field("load", obj().field("capacity", integer(0, 1_000_000))
                                                    .field("residual", integer(0, 1_000_000)))
                                            .field("health", obj().field("capacity", PERCENT)
                                                    .field("resistance", PERCENT)))
                                    .field("charging", obj()
                                            .field("plugged", bool())
                                            .field("status", enumOf("Disconnected", "InProgress", "Failure",
                                                    "Stopped", "Finished"))
                                            .field("remainingTime", text(32))
                                            .field("chargingRate", integer(0, 500))
                                            .field("chargingPowerLevel", enumOf("Level1", "Level2", "Level3",
                                                    "Level4", "Level5"))
                                            .field("chargingMode", enumOf("No", "Slow", "Quick"))
                                            .field("nextDelayedTime", text(32))
                                            .field("type", enumOf("Partial", "Full"))
                                            .field("schedule", obj().field("programs", array(PROGRAM, 4)))))), 2))
            .field("battery", part().field("voltage", number(0, 100)))
            .field("doorsState", part()
                    .field("lockedStates", array(enumOf("Unlocked", "Locked", "SuperLocked", "DriverDoorUnlocked",
                            "CabinDoorsUnlocked", "CargoDoorsLocked", "CargoDoorsUnlocked", "RearDoorsUnlocked",
                            "RearDoorsLocked", "TrunkLocked", "TrunkUnLocked"), 11))
                    .field("opening", array(obj()
                            .requiredField("identifier", enumOf("Driver", "Passenger", "RearLeft", "RearRight",
                                    "Trunk", "RearWindow", "RoofWindow"))
                            .requiredField("state", enumOf("Open", "Closed")), 7)))
            .field("environment", obj()
                    .field("air", part().requiredField("temp", number(-80, 80)))
                    .field("luminosity", part().requiredField("day", bool())))
            .field("powertrain", part().requiredField("status",
                    enumOf("NotRunning", "Starting", "Running", "Stopping", "Stopped")))
            .field("engines", array(part()
                    .requiredField("type", enumOf("Thermic", "Electric"))
                    .field("speed", number(0, 30_000))
                    .field("extension", obj().field("thermic", obj()
                            .field("coolant", FLUID).field("oil", FLUID)
                            .field("air", obj().field("temp", number(-60, 250))))), 4))
            .field("preconditioning", obj().field("airConditioning", part()
                    .field("status", enumOf("Enabled", "Disabled", "Finished", "Failure"))
                    .field("startingCause", enumOf("Immediate", "Scheduled"))
                    .field("failureCause", enumOf("Defect", "DoorOpened", "LowBattery", "LowFuelLevel",
                            "TooManyUnusedProg", "WindowsRoofOpened", "HoodOpened", "NotParked", "OtherFailures"))
                    .field("programs", array(PROGRAM, 4))))
            .field("privacy", part().requiredField("state", enumOf("None", "Geolocation", "Full")))
            .field("safety", part()
                    .field("beltStatus", array(obj()
                            .field("belt", enumOf("Normal", "Omission"))
                            .field("id", enumOf("Driver", "Passenger")), 9))
                    .field("autoECallTriggering", enumOf("NotDetected", "Detected", "ShockDetectionUnabled")))
            .field("alarm", obj().field("status", part().requiredField("activation", enumOf("Inactive", "Active"))))
            .field("drivingBehavior", part().requiredField("mode", enumOf("Normal", "Sport", "Comfort", "Eco",
                    "Sand", "Mud", "Snow", "ZEV", "Hybrid", "ZEVEco", "HybridEco", "EcoPlus", "eAWD", "4AWD",
                    "ReinforcedLoad")))
            .field("lightingSystem", part().field("turn", LIGHTS).field("fog", LIGHTS))
            .field("transmission", part().field("gearbox", obj()
                    .field("mode", obj().field("automatic", bool()).field("sport", bool()).field("snow", bool())
                            .field("sequential", bool()).field("semiManual", bool()))
                    .field("ratio", enumOf("Ratio1", "Ratio2", "Ratio3", "Ratio4", "Ratio5", "Ratio6", "Ratio7",
                            "Ratio8", "Neutral", "Reverse"))))
            .field("adas", part()
                    .field("esp", bool()).field("abs", bool()).field("fse", bool()).field("lvv", bool())
                    .field("sli", integer(0, 300))
                    .field("bsm", enumOf("Active", "Inactive", "Disabled", "Fault"))
                    .field("afil", enumOf("FlashingFault", "FlashingWarning", "Off", "OnFixed"))
                    .field("artiv", enumOf("NotSelected", "Selected", "Unavailable"))
                    .field("rlka", enumOf("Authorized", "CorrectionInProgress", "NotAuthorized", "NotSelected"))
                    .field("llka", enumOf("Authorized", "CorrectionInProgress", "NotAuthorized", "NotSelected"))
                    .field("rgi", enumOf("None", "Up", "Down", "UpDown")))
            .field("wipingBlades", part().field("active", bool()).field("speed", enumOf("High", "Low")))
            .field("maintenance", part()
                    .field("daysBeforeMaintenance", integer(-100_000, 100_000))
                    .field("mileageBeforeMaintenance", number(-1_000_000, 1_000_000)));

    static final Shape EVENT_ALERT_RAISED = obj().requiredField("alert", obj()
            .requiredField("type", enumOf(ALERT_TYPES))
            .requiredField("severity", enumOf("Information", "Warning", "Critical")));
    static final Shape EVENT_ALERT_CLEARED = obj().requiredField("alert", obj()
            .requiredField("type", enumOf(ALERT_TYPES)));
    static final Shape EVENT_COLLISION = obj().requiredField("collision", obj()
            .requiredField("details", array(obj()
                    .requiredField("side", enumOf("Front", "Rear", "Lateral"))
                    .field("severity", enumOf("Minimal", "Minor", "Major")), 8))
            .field("tippedOver", bool())
            .field("pedestrian", bool()));
    static final Shape EVENT_ALARM = obj().requiredField("alarm", obj()
            .requiredField("trigger", obj().requiredField("type", enumOf(BREAK_IN_TYPES))));
    static final Set<String> DATA_ONLY_EVENTS = Set.of("ignition", "doors", "charging", "preconditioning");

    static final Shape COMMAND_PROGRESS = obj()
            .requiredField("id", text(64))
            .requiredField("status", enumOf("Received", "InProgress", "Done"))
            .field("result", enumOf("Success", "AlreadyDone", "Failed"))
            .field("failureCause", enumOf(REMOTE_FAILURE_CAUSES))
            .field("feedbackDetail", enumOf("NoCIDBlacklisted", "CIDBlacklisted"));

    static final Shape LIFECYCLE = obj().requiredField("state", enumOf("Awake", "Asleep"));

    static final List<String> PART_NAMES = List.copyOf(DATA.fieldNames());

    private VehicleDataShapes() {
    }

    /** GeoJSON position: longitude, latitude and an optional altitude in metres. */
    private static final class Coordinates extends Shape {
        @Override
        JsonNode check(String path, JsonNode value) {
            if (!value.isArray() || value.size() < 2 || value.size() > 3) {
                throw bad(path, "must be [longitude, latitude] or [longitude, latitude, altitude]");
            }
            double[][] ranges = {{-180, 180}, {-90, 90}, {-1000, 10000}};
            ArrayNode clean = NODES.arrayNode();
            for (int i = 0; i < value.size(); i++) {
                JsonNode c = value.get(i);
                if (!c.isNumber() || c.doubleValue() < ranges[i][0] || c.doubleValue() > ranges[i][1]
                        || Double.isNaN(c.doubleValue())) {
                    throw bad(path + "[" + i + "]", "out of range: " + c);
                }
                clean.add(c);
            }
            return clean;
        }
    }

    static ObjectNode checkData(JsonNode data) {
        return DATA.check("data", data);
    }
}
