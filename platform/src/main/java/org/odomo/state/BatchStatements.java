package org.odomo.state;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowCallbackHandler;

/**
 * The writer's many-row statements. Rows are given in column order; times as
 * {@link java.time.OffsetDateTime}. Two implementations do the same thing: {@link Portable}, one
 * JDBC batch entry per row (H2 and any database with per-row update counts), and
 * {@link Postgres}, one statement per table whatever the number of rows.
 */
abstract sealed class BatchStatements {

    /** Picks the implementation for the database behind {@code jdbc}. */
    static BatchStatements of(JdbcTemplate jdbc) {
        String product = jdbc.execute((Connection c) -> c.getMetaData().getDatabaseProductName());
        return "PostgreSQL".equalsIgnoreCase(product) ? new Postgres(jdbc) : new Portable(jdbc);
    }

    final JdbcTemplate jdbc;

    BatchStatements(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Rows (vin, msg_id, type, measured_at, received_at, body), keys distinct; per row, whether it was new. */
    abstract boolean[] insertMessages(List<Object[]> rows);

    /** Rows (vin, msg_id, measured_at, longitude, latitude, altitude, heading, signal_quality, fix_type, fix_status, speed). */
    abstract void insertPositions(List<Object[]> rows);

    /** Rows (vin, msg_id, measured_at, days_before, mileage_before). */
    abstract void insertMaintenance(List<Object[]> rows);

    /** Rows (vin, doc, version, updated_at), VINs distinct; returns the VINs that had no state yet and now have. */
    abstract Set<String> insertStates(List<Object[]> rows);

    /** Rows (vin, doc, new version, updated_at, expected version); returns the VINs whose version matched. */
    abstract Set<String> updateStates(List<Object[]> rows);

    /** Reads (vin, doc, version) of the given vehicles. */
    abstract void loadStates(Collection<String> vins, RowCallbackHandler rows);

    static final class Portable extends BatchStatements {

        private static final int IN_LIST = 100;

        Portable(JdbcTemplate jdbc) {
            super(jdbc);
        }

        @Override
        boolean[] insertMessages(List<Object[]> rows) {
            int[] counts = batch("""
                    INSERT INTO vehicle_message (vin, msg_id, type, measured_at, received_at, body)
                    VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING""", rows);
            boolean[] inserted = new boolean[counts.length];
            for (int i = 0; i < counts.length; i++) {
                // Drivers that cannot tell (SUCCESS_NO_INFO) are never configured for this statement.
                inserted[i] = counts[i] != 0;
            }
            return inserted;
        }

        @Override
        void insertPositions(List<Object[]> rows) {
            batch("""
                    INSERT INTO position_history (vin, msg_id, measured_at, longitude, latitude, altitude, heading,
                        signal_quality, fix_type, fix_status, speed)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING""", rows);
        }

        @Override
        void insertMaintenance(List<Object[]> rows) {
            batch("""
                    INSERT INTO maintenance_record (vin, msg_id, measured_at, days_before, mileage_before)
                    VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING""", rows);
        }

        @Override
        Set<String> insertStates(List<Object[]> rows) {
            return vinsWhereCounted(rows, 0, batch(
                    "INSERT INTO vehicle_state (vin, doc, version, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                    rows));
        }

        @Override
        Set<String> updateStates(List<Object[]> rows) {
            List<Object[]> reordered = new ArrayList<>(rows.size());
            for (Object[] r : rows) {
                reordered.add(new Object[] {r[1], r[2], r[3], r[0], r[4]});
            }
            return vinsWhereCounted(rows, 0, batch(
                    "UPDATE vehicle_state SET doc = ?, version = ?, updated_at = ? WHERE vin = ? AND version = ?",
                    reordered));
        }

        @Override
        void loadStates(Collection<String> vins, RowCallbackHandler rows) {
            // Short IN lists: H2 checks every row found against the whole list.
            List<String> all = new ArrayList<>(vins);
            for (int from = 0; from < all.size(); from += IN_LIST) {
                List<String> chunk = all.subList(from, Math.min(all.size(), from + IN_LIST));
                String marks = String.join(",", Collections.nCopies(chunk.size(), "?"));
                jdbc.query("SELECT vin, doc, version FROM vehicle_state WHERE vin IN (" + marks + ")", rows,
                        chunk.toArray());
            }
        }

        private static Set<String> vinsWhereCounted(List<Object[]> rows, int vinColumn, int[] counts) {
            Set<String> vins = new HashSet<>();
            for (int i = 0; i < counts.length; i++) {
                if (counts[i] != 0) {
                    vins.add((String) rows.get(i)[vinColumn]);
                }
            }
            return vins;
        }

        private int[] batch(String sql, List<Object[]> rows) {
            if (rows.isEmpty()) {
                return new int[0];
            }
            return jdbc.execute((Connection con) -> {
                try (PreparedStatement ps = con.prepareStatement(sql)) {
                    for (Object[] row : rows) {
                        for (int i = 0; i < row.length; i++) {
                            ps.setObject(i + 1, row[i]);
                        }
                        ps.addBatch();
                    }
                    return ps.executeBatch();
                }
            });
        }
    }

    /**
     * One statement per table and batch: the rows travel as one array per column and
     * {@code unnest} turns them back into rows, so that PostgreSQL plans and executes once
     * instead of once per row. {@code RETURNING} says which rows were written, which a batch of
     * single-row statements would say with its update counts (and which the driver's own
     * multi-row rewrite, {@code reWriteBatchedInserts}, cannot say).
     */
    static final class Postgres extends BatchStatements {

        Postgres(JdbcTemplate jdbc) {
            super(jdbc);
        }

        @Override
        boolean[] insertMessages(List<Object[]> rows) {
            Set<String> inserted = returning("""
                    INSERT INTO vehicle_message (vin, msg_id, type, measured_at, received_at, body)
                    SELECT * FROM unnest(?::bpchar[], ?::text[], ?::text[], ?::timestamptz[], ?::timestamptz[], ?::text[])
                    ON CONFLICT DO NOTHING RETURNING vin, msg_id""", rows);
            boolean[] result = new boolean[rows.size()];
            for (int i = 0; i < result.length; i++) {
                result[i] = inserted.contains(key(rows.get(i)[0], rows.get(i)[1]));
            }
            return result;
        }

        @Override
        void insertPositions(List<Object[]> rows) {
            execute("""
                    INSERT INTO position_history (vin, msg_id, measured_at, longitude, latitude, altitude, heading,
                        signal_quality, fix_type, fix_status, speed)
                    SELECT * FROM unnest(?::bpchar[], ?::text[], ?::timestamptz[], ?::float8[], ?::float8[], ?::float8[],
                        ?::int4[], ?::int4[], ?::text[], ?::text[], ?::float8[])
                    ON CONFLICT DO NOTHING""", rows);
        }

        @Override
        void insertMaintenance(List<Object[]> rows) {
            execute("""
                    INSERT INTO maintenance_record (vin, msg_id, measured_at, days_before, mileage_before)
                    SELECT * FROM unnest(?::bpchar[], ?::text[], ?::timestamptz[], ?::int4[], ?::float8[])
                    ON CONFLICT DO NOTHING""", rows);
        }

        @Override
        Set<String> insertStates(List<Object[]> rows) {
            return returning("""
                    INSERT INTO vehicle_state (vin, doc, version, updated_at)
                    SELECT * FROM unnest(?::bpchar[], ?::text[], ?::int8[], ?::timestamptz[])
                    ON CONFLICT DO NOTHING RETURNING vin""", rows);
        }

        @Override
        Set<String> updateStates(List<Object[]> rows) {
            return returning("""
                    UPDATE vehicle_state AS s SET doc = u.doc, version = u.next, updated_at = u.at
                    FROM unnest(?::bpchar[], ?::text[], ?::int8[], ?::timestamptz[], ?::int8[]) AS u(vin, doc, next, at, prev)
                    WHERE s.vin = u.vin AND s.version = u.prev
                    RETURNING s.vin""", rows);
        }

        @Override
        void loadStates(Collection<String> vins, RowCallbackHandler rows) {
            if (vins.isEmpty()) {
                return;
            }
            jdbc.query(con -> {
                PreparedStatement ps = con.prepareStatement(
                        "SELECT vin, doc, version FROM vehicle_state WHERE vin = ANY (?::bpchar[])");
                ps.setArray(1, con.createArrayOf("text", vins.toArray()));
                return ps;
            }, rows);
        }

        /** Runs the statement; returns the first one or two returned columns of each row as keys. */
        private Set<String> returning(String sql, List<Object[]> rows) {
            Set<String> keys = new HashSet<>();
            if (rows.isEmpty()) {
                return keys;
            }
            jdbc.execute((Connection con) -> {
                try (PreparedStatement ps = prepare(con, sql, rows); ResultSet rs = ps.executeQuery()) {
                    boolean pairs = rs.getMetaData().getColumnCount() > 1;
                    while (rs.next()) {
                        keys.add(pairs ? key(rs.getString(1), rs.getString(2)) : rs.getString(1).trim());
                    }
                }
                return null;
            });
            return keys;
        }

        private void execute(String sql, List<Object[]> rows) {
            if (rows.isEmpty()) {
                return;
            }
            jdbc.execute((Connection con) -> {
                try (PreparedStatement ps = prepare(con, sql, rows)) {
                    return ps.executeUpdate();
                }
            });
        }

        /** Binds one text array per column; the statement casts each to its column's type. */
        private static PreparedStatement prepare(Connection con, String sql, List<Object[]> rows) throws SQLException {
            PreparedStatement ps = con.prepareStatement(sql);
            try {
                int columns = rows.get(0).length;
                for (int c = 0; c < columns; c++) {
                    String[] values = new String[rows.size()];
                    for (int r = 0; r < values.length; r++) {
                        Object v = rows.get(r)[c];
                        values[r] = v == null ? null : v.toString();
                    }
                    ps.setArray(c + 1, con.createArrayOf("text", values));
                }
                return ps;
            } catch (SQLException | RuntimeException e) {
                ps.close();
                throw e;
            }
        }

        private static String key(Object vin, Object id) {
            return vin.toString().trim() + '\u0000' + id;
        }
    }
}
