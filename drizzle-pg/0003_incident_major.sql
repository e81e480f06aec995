ALTER TABLE "incidents" ADD COLUMN "major" text;--> statement-breakpoint
CREATE INDEX "incidents_major" ON "incidents" USING btree ("major");--> statement-breakpoint
CREATE INDEX "incidents_opened" ON "incidents" USING btree ("status","opened_at");