package org.odomo.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.odomo.support.Services;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The history purge on PostgreSQL: old rows go in small batches, the present stays. */
@Tag("services")
@SpringBootTest
@ActiveProfiles({"test", "postgres"})
class PostgresRetentionTests {

    @DynamicPropertySource
    static void freshSchema(DynamicPropertyRegistry registry) {
        Services.postgresSchema(Services.freshSchema()).forEach((key, value) -> registry.add(key, () -> value));
    }

    @Autowired
    JdbcTemplate jdbc;

    private final Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    private final OffsetDateTime old = at(now.minus(Duration.ofDays(70)));
    private final OffsetDateTime recent = at(now.minus(Duration.ofDays(1)));
    private final String vin = "VR3UHZKXZMT" + String.format("%06d", (int) (Math.random() * 1_000_000));

    @Test
    void oldHistoryIsRemovedInBatchesWhileRecentRowsAndActiveAlertsStay() {
        insertMessages(23, old);
        insertMessages(4, recent);
        insertPositions(12, old);
        insertPositions(3, recent);
        insertMaintenance(6, old);
        insertMaintenance(2, recent);
        insertAlerts(7, false, old);
        insertAlerts(2, true, old);
        insertAlerts(1, false, recent);
        insertRows("collision", 5, old);
        insertRows("collision", 1, recent);
        insertRows("alarm_event", 8, old);
        insertRows("alarm_event", 1, recent);

        Map<String, List<Integer>> deletes = new LinkedHashMap<>();
        JdbcTemplate counting = new JdbcTemplate(jdbc.getDataSource()) {
            @Override
            public int update(String sql, Object... args) {
                int n = super.update(sql, args);
                String table = sql.trim().split("\\s+")[2];
                deletes.computeIfAbsent(table, t -> new ArrayList<>()).add(n);
                return n;
            }
        };
        HistoryRetention retention = new HistoryRetention(counting,
                new RetentionProperties(Duration.ofDays(60), 5, null), Optional.empty());

        Map<String, Integer> removed = retention.purgeOlderThan(now.minus(Duration.ofDays(60)));

        assertThat(removed).containsExactly(entry("vehicle_message", 23), entry("position_history", 12),
                entry("maintenance_record", 6), entry("alert", 7), entry("collision", 5), entry("alarm_event", 8));
        // Never more than the batch size per statement, each statement its own short transaction.
        assertThat(deletes.get("vehicle_message")).containsExactly(5, 5, 5, 5, 3);
        assertThat(deletes.get("position_history")).containsExactly(5, 5, 2);
        assertThat(deletes.get("collision")).containsExactly(5, 0);
        assertThat(count("vehicle_message")).isEqualTo(4);
        assertThat(count("position_history")).isEqualTo(3);
        assertThat(count("maintenance_record")).isEqualTo(2);
        assertThat(count("collision")).isEqualTo(1);
        assertThat(count("alarm_event")).isEqualTo(1);
        assertThat(jdbc.queryForList("SELECT active FROM alert WHERE vin = ? ORDER BY active", Boolean.class, vin))
                .as("old active alerts are the vehicle's present; the recent closed one is kept")
                .containsExactly(false, true, true);

        assertThat(retention.purgeOlderThan(now.minus(Duration.ofDays(60)))).containsOnly(
                entry("vehicle_message", 0), entry("position_history", 0), entry("maintenance_record", 0),
                entry("alert", 0), entry("collision", 0), entry("alarm_event", 0));
    }

    private long count(String table) {
        return jdbc.queryForObject("SELECT COUNT(*) FROM " + table + " WHERE vin = ?", Long.class, vin);
    }

    private void insertMessages(int n, OffsetDateTime receivedAt) {
        for (int i = 0; i < n; i++) {
            jdbc.update("INSERT INTO vehicle_message (vin, msg_id, type, measured_at, received_at, body) "
                    + "VALUES (?, ?, 'telemetry', ?, ?, '{}')", vin, id(), receivedAt, receivedAt);
        }
    }

    private void insertPositions(int n, OffsetDateTime measuredAt) {
        for (int i = 0; i < n; i++) {
            jdbc.update("INSERT INTO position_history (vin, msg_id, measured_at, longitude, latitude) "
                    + "VALUES (?, ?, ?, 2.35, 48.85)", vin, id(), measuredAt);
        }
    }

    private void insertMaintenance(int n, OffsetDateTime measuredAt) {
        for (int i = 0; i < n; i++) {
            jdbc.update("INSERT INTO maintenance_record (vin, msg_id, measured_at, days_before) VALUES (?, ?, ?, 30)",
                    vin, id(), measuredAt);
        }
    }

    private void insertAlerts(int n, boolean active, OffsetDateTime at) {
        for (int i = 0; i < n; i++) {
            jdbc.update("""
                    INSERT INTO alert (id, vin, type, severity, active, started_at, created_at, updated_at)
                    VALUES (?, ?, 'FuelLevelLow', 'Warning', ?, ?, ?, ?)""", id(), vin, active, at, at, at);
        }
    }

    private void insertRows(String table, int n, OffsetDateTime at) {
        for (int i = 0; i < n; i++) {
            if (table.equals("collision")) {
                jdbc.update("INSERT INTO collision (id, vin, occurred_at, details, created_at) VALUES (?, ?, ?, '[]', ?)",
                        id(), vin, at, at);
            } else {
                jdbc.update("INSERT INTO alarm_event (id, vin, kind, measured_at, body) VALUES (?, ?, 'status', ?, '{}')",
                        id(), vin, at);
            }
        }
    }

    private static String id() {
        return UUID.randomUUID().toString().replace("-", "");
    }

    private static OffsetDateTime at(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
