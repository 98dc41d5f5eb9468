-- Fleet-wide history lists page by keyset, newest first: (time, vin, id) of the last item listed.
-- With these indexes a page reads the next rows after the key (checking each row's vehicle against
-- the fleet's members), so the last page of a long history costs what the first does.
CREATE INDEX ix_alert_time_vin_id ON alert (started_at, vin, id);
CREATE INDEX ix_collision_time_vin_id ON collision (occurred_at, vin, id);
CREATE INDEX ix_trip_start_vin_id ON trip (started_at, vin, id);
