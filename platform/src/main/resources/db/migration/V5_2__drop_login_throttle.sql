-- Login and activation throttling now counts in memory on each node (see docs/identity.md).
DROP TABLE login_throttle;
