CREATE TABLE `desk_lease` (
	`name` text PRIMARY KEY NOT NULL,
	`holder` text NOT NULL,
	`pid` integer NOT NULL,
	`host` text NOT NULL,
	`since` integer NOT NULL,
	`heartbeat_at` integer NOT NULL,
	`lease_until` integer NOT NULL
);
