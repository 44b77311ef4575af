CREATE TABLE "app_drafts" (
	"app_id" uuid PRIMARY KEY NOT NULL,
	"organization_id" uuid NOT NULL,
	"definition" jsonb NOT NULL,
	"updated_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "app_releases" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"app_id" uuid NOT NULL,
	"version" integer NOT NULL,
	"definition" jsonb NOT NULL,
	"released_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "app_drafts" ADD CONSTRAINT "app_drafts_app_id_objects_id_fk" FOREIGN KEY ("app_id") REFERENCES "public"."objects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "app_drafts" ADD CONSTRAINT "app_drafts_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "app_drafts" ADD CONSTRAINT "app_drafts_updated_by_users_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "app_releases" ADD CONSTRAINT "app_releases_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "app_releases" ADD CONSTRAINT "app_releases_app_id_objects_id_fk" FOREIGN KEY ("app_id") REFERENCES "public"."objects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "app_releases" ADD CONSTRAINT "app_releases_released_by_users_id_fk" FOREIGN KEY ("released_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "app_releases_app_version_key" ON "app_releases" USING btree ("app_id","version");--> statement-breakpoint
CREATE INDEX "app_releases_org_idx" ON "app_releases" USING btree ("organization_id");--> statement-breakpoint
-- hand-written below
-- A release is what viewers ran: it is never edited in place (a new release gets a new version).
CREATE FUNCTION "app_releases_immutable"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'app releases cannot be changed; release a new version instead';
END $$;
--> statement-breakpoint
CREATE TRIGGER "app_releases_no_update" BEFORE UPDATE ON "app_releases" FOR EACH ROW EXECUTE FUNCTION "app_releases_immutable"();
