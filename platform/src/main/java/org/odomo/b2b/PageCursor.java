package org.odomo.b2b;

/**
 * Where a page of a fleet-wide collection starts, as a page token carries it: the collection (its
 * fleet, operation and VIN prefix), the page size and index range it was opened with, and the
 * keyset position of the page (after a VIN, before a VIN, or the last page).
 *
 * @param collection what the token pages through: fleet id, operation and filters
 * @param pageSize   the page size the collection was opened with
 * @param rangeStart the first index of the collection's range ({@code indexRange}), 0 when none
 * @param rangeEnd   the last index of the range, -1 when open
 * @param direction  {@link Direction#AFTER}: the page starts after {@code vin};
 *                   {@link Direction#BEFORE}: it ends before {@code vin}; {@link Direction#LAST}:
 *                   it is the collection's last page
 * @param vin        the keyset position (empty for the last page)
 * @param index      the index of the page's first item in the collection
 */
record PageCursor(String collection, int pageSize, int rangeStart, int rangeEnd, Direction direction, String vin,
        long index) {

    enum Direction {
        AFTER('a'), BEFORE('b'), LAST('l');

        final char code;

        Direction(char code) {
            this.code = code;
        }

        static Direction of(char code) {
            for (Direction d : values()) {
                if (d.code == code) {
                    return d;
                }
            }
            throw new IllegalArgumentException("no direction " + code);
        }
    }
}
