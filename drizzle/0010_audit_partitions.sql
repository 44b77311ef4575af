-- audit_events becomes a table partitioned by month on created_at (hand-written: drizzle-kit does
-- not model partitioning; the snapshot records the same columns, keys and indexes).
--
-- A partitioned table's keys must include the partition key, so the primary key is (id,
-- created_at) and (organization_id, seq) is a plain index: ids stay unique through the identity,
-- chain sequence numbers through the audit_chain_heads row lock, and verifyChain would report a
-- duplicate. The rows are copied into the new table once, here, inside the migration's transaction.
ALTER TABLE "audit_events" RENAME TO "audit_events_unpartitioned";--> statement-breakpoint
ALTER TABLE "audit_events_unpartitioned" DROP CONSTRAINT "audit_events_pkey";--> statement-breakpoint
DROP INDEX "audit_events_org_seq_key";--> statement-breakpoint
DROP INDEX "audit_events_org_created_idx";--> statement-breakpoint
DROP INDEX "audit_events_org_user_idx";--> statement-breakpoint
DROP INDEX "audit_events_org_request_idx";--> statement-breakpoint
DROP INDEX "audit_events_org_action_idx";--> statement-breakpoint
DROP INDEX "audit_events_org_ip_idx";--> statement-breakpoint
DROP STATISTICS IF EXISTS "audit_events_metadata_text";--> statement-breakpoint
ALTER TABLE "audit_events_unpartitioned" ALTER COLUMN "id" DROP IDENTITY;--> statement-breakpoint
CREATE TABLE "audit_events" (
	"id" bigint GENERATED ALWAYS AS IDENTITY (sequence name "audit_events_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"organization_id" uuid NOT NULL,
	"user_id" uuid,
	"action_type" text NOT NULL,
	"ip_address" text,
	"geo_location" jsonb,
	"response_time_ms" integer,
	"page_name" text,
	"query_name" text,
	"resource_name" text,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"user" jsonb,
	"request_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"seq" bigint,
	"prev_hash" text,
	"hash" text,
	CONSTRAINT "audit_events_id_created_at_pk" PRIMARY KEY("id","created_at")
) PARTITION BY RANGE ("created_at");--> statement-breakpoint
CREATE INDEX "audit_events_org_seq_idx" ON "audit_events" USING btree ("organization_id","seq");--> statement-breakpoint
CREATE INDEX "audit_events_org_created_idx" ON "audit_events" USING btree ("organization_id","created_at","id");--> statement-breakpoint
CREATE INDEX "audit_events_org_user_idx" ON "audit_events" USING btree ("organization_id","user_id","created_at");--> statement-breakpoint
CREATE INDEX "audit_events_org_request_idx" ON "audit_events" USING btree ("organization_id","request_id");--> statement-breakpoint
CREATE INDEX "audit_events_org_action_idx" ON "audit_events" USING btree ("organization_id","action_type","created_at");--> statement-breakpoint
CREATE INDEX "audit_events_org_ip_idx" ON "audit_events" USING btree ("organization_id","ip_address","created_at");--> statement-breakpoint
-- Row triggers on the parent are cloned onto every partition; a TRUNCATE trigger is not, so each
-- partition gets its own (audit_events_add_partition).
CREATE TRIGGER audit_events_no_update_delete
  BEFORE UPDATE OR DELETE ON audit_events
  FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();--> statement-breakpoint
CREATE TRIGGER audit_events_no_truncate
  BEFORE TRUNCATE ON audit_events
  FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();--> statement-breakpoint
-- One partition (or the default one, for rows outside every month's range): its TRUNCATE trigger
-- and the metadata::text statistics the free-text filter's estimates rely on (0008).
CREATE FUNCTION audit_events_add_partition(part_name text, bounds text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE format('CREATE TABLE %I PARTITION OF audit_events %s', part_name, bounds);
  EXECUTE format('CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON %I FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()', part_name);
  EXECUTE format('CREATE STATISTICS %I ON ((metadata::text)) FROM %I', part_name || '_metadata_text', part_name);
END;
$$;--> statement-breakpoint
-- Creates the monthly partitions (UTC months, named audit_events_YYYY_MM) for `months` months
-- from the one holding `from_time`, skipping those that exist; returns how many it created.
-- Serialized across processes; a month whose rows already sit in the default partition is left
-- there with a warning (the rows stay readable, only pruning is lost).
CREATE FUNCTION audit_events_ensure_partitions(from_time timestamptz, months integer) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
  month_start timestamp := date_trunc('month', from_time AT TIME ZONE 'UTC');
  part_name text;
  created integer := 0;
BEGIN
  PERFORM pg_advisory_xact_lock(727401002);
  FOR i IN 1..months LOOP
    part_name := 'audit_events_' || to_char(month_start, 'YYYY_MM');
    IF to_regclass(part_name) IS NULL THEN
      BEGIN
        PERFORM audit_events_add_partition(part_name, format('FOR VALUES FROM (%L) TO (%L)',
          to_char(month_start, 'YYYY-MM-DD') || ' 00:00:00+00',
          to_char(month_start + interval '1 month', 'YYYY-MM-DD') || ' 00:00:00+00'));
        created := created + 1;
      EXCEPTION WHEN check_violation THEN
        RAISE WARNING 'audit_events: % not created, the default partition holds rows of that month', part_name;
      END;
    END IF;
    month_start := month_start + interval '1 month';
  END LOOP;
  RETURN created;
END;
$$;--> statement-breakpoint
SELECT audit_events_add_partition('audit_events_default', 'DEFAULT');--> statement-breakpoint
-- Every month that holds events, through three months ahead; the hourly job keeps that lead.
SELECT audit_events_ensure_partitions(
  coalesce((SELECT min(created_at) FROM audit_events_unpartitioned), now()),
  (SELECT (extract(year FROM age(date_trunc('month', now() AT TIME ZONE 'UTC'), date_trunc('month', coalesce(min(created_at), now()) AT TIME ZONE 'UTC'))) * 12
         + extract(month FROM age(date_trunc('month', now() AT TIME ZONE 'UTC'), date_trunc('month', coalesce(min(created_at), now()) AT TIME ZONE 'UTC'))))::integer + 4
   FROM audit_events_unpartitioned));--> statement-breakpoint
INSERT INTO "audit_events" ("id", "organization_id", "user_id", "action_type", "ip_address", "geo_location", "response_time_ms",
  "page_name", "query_name", "resource_name", "metadata", "user", "request_id", "created_at", "seq", "prev_hash", "hash")
OVERRIDING SYSTEM VALUE
SELECT "id", "organization_id", "user_id", "action_type", "ip_address", "geo_location", "response_time_ms",
  "page_name", "query_name", "resource_name", "metadata", "user", "request_id", "created_at", "seq", "prev_hash", "hash"
FROM "audit_events_unpartitioned";--> statement-breakpoint
SELECT setval('audit_events_id_seq', coalesce((SELECT max(id) FROM audit_events), 0) + 1, false);--> statement-breakpoint
DROP TABLE "audit_events_unpartitioned";
