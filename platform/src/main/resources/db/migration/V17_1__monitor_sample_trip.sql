-- When the latest trip the monitors know of started: a trip event about an older trip (one a
-- rebuild found in the past, or an event handed again) is not news and fires nothing. Null: no
-- trip seen yet.
ALTER TABLE b2c_monitor_sample ADD COLUMN trip_started_at TIMESTAMP WITH TIME ZONE;
