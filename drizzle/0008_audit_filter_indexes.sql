CREATE INDEX "audit_events_org_request_idx" ON "audit_events" USING btree ("organization_id","request_id");--> statement-breakpoint
CREATE INDEX "audit_events_org_action_idx" ON "audit_events" USING btree ("organization_id","action_type","created_at");--> statement-breakpoint
CREATE INDEX "audit_events_org_ip_idx" ON "audit_events" USING btree ("organization_id","ip_address","created_at");--> statement-breakpoint
-- Without statistics on the text form of metadata, Postgres guesses a handful of matches for the
-- viewer's free-text filter and sorts the whole time window instead of walking the time index.
CREATE STATISTICS IF NOT EXISTS audit_events_metadata_text ON ((metadata::text)) FROM audit_events;
