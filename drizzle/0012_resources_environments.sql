CREATE TABLE "config_variable_values" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"variable_id" uuid NOT NULL,
	"environment_id" uuid NOT NULL,
	"value" text,
	"value_enc" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "config_variables" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"name" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"secret" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "environments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"name" text NOT NULL,
	"color" text NOT NULL,
	"is_default" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "resource_configs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"resource_id" uuid NOT NULL,
	"environment_id" uuid NOT NULL,
	"type" text NOT NULL,
	"options" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"secrets" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
DROP INDEX "permission_grants_target_key";--> statement-breakpoint
ALTER TABLE "permission_grants" ADD COLUMN "environment_id" uuid;--> statement-breakpoint
ALTER TABLE "config_variable_values" ADD CONSTRAINT "config_variable_values_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "config_variable_values" ADD CONSTRAINT "config_variable_values_variable_id_config_variables_id_fk" FOREIGN KEY ("variable_id") REFERENCES "public"."config_variables"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "config_variable_values" ADD CONSTRAINT "config_variable_values_environment_id_environments_id_fk" FOREIGN KEY ("environment_id") REFERENCES "public"."environments"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "config_variables" ADD CONSTRAINT "config_variables_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "environments" ADD CONSTRAINT "environments_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "resource_configs" ADD CONSTRAINT "resource_configs_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "resource_configs" ADD CONSTRAINT "resource_configs_resource_id_objects_id_fk" FOREIGN KEY ("resource_id") REFERENCES "public"."objects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "resource_configs" ADD CONSTRAINT "resource_configs_environment_id_environments_id_fk" FOREIGN KEY ("environment_id") REFERENCES "public"."environments"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "config_variable_values_key" ON "config_variable_values" USING btree ("variable_id","environment_id");--> statement-breakpoint
CREATE UNIQUE INDEX "config_variables_org_name_key" ON "config_variables" USING btree ("organization_id","name");--> statement-breakpoint
CREATE UNIQUE INDEX "environments_org_name_key" ON "environments" USING btree ("organization_id",lower("name"));--> statement-breakpoint
CREATE UNIQUE INDEX "environments_org_default_key" ON "environments" USING btree ("organization_id") WHERE "environments"."is_default";--> statement-breakpoint
CREATE UNIQUE INDEX "resource_configs_resource_env_key" ON "resource_configs" USING btree ("resource_id","environment_id");--> statement-breakpoint
CREATE INDEX "resource_configs_org_idx" ON "resource_configs" USING btree ("organization_id");--> statement-breakpoint
ALTER TABLE "permission_grants" ADD CONSTRAINT "permission_grants_environment_id_environments_id_fk" FOREIGN KEY ("environment_id") REFERENCES "public"."environments"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "permission_grants_target_key" ON "permission_grants" USING btree ("group_id","object_kind","scope",coalesce("target_id", '00000000-0000-0000-0000-000000000000'::uuid),coalesce("environment_id", '00000000-0000-0000-0000-000000000000'::uuid));--> statement-breakpoint
-- hand-written below
-- Every organization has production (the default) and staging; new ones get them from
-- createOrganization, existing ones here.
INSERT INTO "environments" ("organization_id", "name", "color", "is_default")
SELECT o."id", e."name", e."color", e."is_default"
FROM "organizations" o
CROSS JOIN (VALUES ('production', '#16a34a', true), ('staging', '#d97706', false)) AS e("name", "color", "is_default")
ON CONFLICT DO NOTHING;--> statement-breakpoint
ALTER TABLE "environments" ADD CONSTRAINT "environments_color_check" CHECK ("color" ~ '^#[0-9a-f]{6}$');--> statement-breakpoint
ALTER TABLE "config_variable_values" ADD CONSTRAINT "config_variable_values_one_value_check" CHECK ("value" IS NULL OR "value_enc" IS NULL);--> statement-breakpoint
ALTER TABLE "resource_configs" ADD CONSTRAINT "resource_configs_type_check" CHECK ("type" IN ('postgres', 'rest', 'sample'));--> statement-breakpoint
-- The "Sample database" resource: a small shop in a schema of its own, usable without credentials.
CREATE SCHEMA IF NOT EXISTS "gatehouse_sample";--> statement-breakpoint
CREATE TABLE "gatehouse_sample"."customers" (
	"id" integer PRIMARY KEY,
	"name" text NOT NULL,
	"email" text NOT NULL,
	"country" text NOT NULL
);--> statement-breakpoint
CREATE TABLE "gatehouse_sample"."orders" (
	"id" integer PRIMARY KEY,
	"customer_id" integer NOT NULL REFERENCES "gatehouse_sample"."customers"("id"),
	"product" text NOT NULL,
	"quantity" integer NOT NULL,
	"total" numeric(10, 2) NOT NULL,
	"status" text NOT NULL,
	"sales_rep_email" text NOT NULL,
	"ordered_at" timestamp with time zone NOT NULL
);--> statement-breakpoint
INSERT INTO "gatehouse_sample"."customers" VALUES
	(1, 'Acme Corp', 'buyer@acme.example', 'US'),
	(2, 'Globex', 'orders@globex.example', 'DE'),
	(3, 'Initech', 'purchasing@initech.example', 'US'),
	(4, 'Umbrella', 'supply@umbrella.example', 'GB'),
	(5, 'Hooli', 'procurement@hooli.example', 'US'),
	(6, 'Stark Industries', 'ops@stark.example', 'US');--> statement-breakpoint
INSERT INTO "gatehouse_sample"."orders" VALUES
	(1001, 1, 'Widget', 10, 250.00, 'shipped', 'alice@example.com', '2026-01-05T10:00:00Z'),
	(1002, 2, 'Gadget', 3, 449.97, 'pending', 'bob@example.com', '2026-01-07T14:30:00Z'),
	(1003, 3, 'Widget', 25, 625.00, 'shipped', 'alice@example.com', '2026-01-09T09:15:00Z'),
	(1004, 4, 'Sprocket', 100, 120.00, 'cancelled', 'bob@example.com', '2026-01-12T16:45:00Z'),
	(1005, 5, 'Gizmo', 2, 1998.00, 'pending', 'alice@example.com', '2026-01-15T11:20:00Z'),
	(1006, 6, 'Widget', 40, 1000.00, 'shipped', 'bob@example.com', '2026-01-18T08:05:00Z'),
	(1007, 1, 'Gadget', 1, 149.99, 'delivered', 'alice@example.com', '2026-01-21T13:40:00Z'),
	(1008, 2, 'Sprocket', 500, 600.00, 'delivered', 'bob@example.com', '2026-01-24T10:10:00Z'),
	(1009, 3, 'Gizmo', 1, 999.00, 'pending', 'alice@example.com', '2026-01-27T15:55:00Z'),
	(1010, 5, 'Widget', 12, 300.00, 'shipped', 'bob@example.com', '2026-01-30T12:00:00Z');
--> statement-breakpoint
-- Queries against the sample run as this role (SET LOCAL ROLE), which can read the sample schema
-- and nothing of Gatehouse's own. Roles are per server: another database may have created it.
-- Without the privilege to create or grant it, the sample resource refuses to run.
DO $$
BEGIN
  BEGIN
    CREATE ROLE "gatehouse_sample_reader" NOLOGIN;
  EXCEPTION WHEN duplicate_object OR unique_violation OR insufficient_privilege THEN NULL;
  END;
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'gatehouse_sample_reader') THEN
    GRANT USAGE ON SCHEMA "gatehouse_sample" TO "gatehouse_sample_reader";
    GRANT SELECT ON ALL TABLES IN SCHEMA "gatehouse_sample" TO "gatehouse_sample_reader";
    BEGIN
      GRANT "gatehouse_sample_reader" TO CURRENT_USER;
    EXCEPTION WHEN insufficient_privilege OR invalid_grant_operation OR duplicate_object THEN NULL;
    END;
  END IF;
END $$;
