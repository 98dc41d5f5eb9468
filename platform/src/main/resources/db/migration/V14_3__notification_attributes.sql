-- A producer's own attributes (a monitor's attributes and callbackAttributes), sent after the
-- destination's: a JSON array of {kind, key, value}; null when the producer gave none.
ALTER TABLE delivery_notification ADD COLUMN attributes TEXT;
