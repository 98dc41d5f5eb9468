package org.odomo.vehicle;

import java.util.regex.Pattern;

/**
 * A vehicle identification number as ISO 3779 writes it: 17 characters of the VIN alphabet,
 * which leaves out I, O and Q so they are never read as 1 and 0. European VINs carry no check
 * digit, so none is verified.
 */
public record Vin(String value) {

    private static final Pattern FORMAT = Pattern.compile("[A-HJ-NPR-Z0-9]{17}");

    public Vin {
        if (value == null || !FORMAT.matcher(value).matches()) {
            throw new IllegalArgumentException(
                    "VIN must be 17 characters of A-Z and 0-9 without I, O or Q: " + value);
        }
    }

    public static boolean isValid(String value) {
        return value != null && FORMAT.matcher(value).matches();
    }

    public String manufacturerCode() {
        return value.substring(0, 3);
    }

    @Override
    public String toString() {
        return value;
    }
}
