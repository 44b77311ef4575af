CREATE TABLE "library_queries" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"name" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"latest_version" integer DEFAULT 1 NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "library_query_versions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"library_query_id" uuid NOT NULL,
	"version" integer NOT NULL,
	"resource_id" uuid NOT NULL,
	"body" jsonb NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "library_queries" ADD CONSTRAINT "library_queries_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "library_queries" ADD CONSTRAINT "library_queries_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "library_query_versions" ADD CONSTRAINT "library_query_versions_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "library_query_versions" ADD CONSTRAINT "library_query_versions_library_query_id_library_queries_id_fk" FOREIGN KEY ("library_query_id") REFERENCES "public"."library_queries"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "library_query_versions" ADD CONSTRAINT "library_query_versions_resource_id_objects_id_fk" FOREIGN KEY ("resource_id") REFERENCES "public"."objects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "library_query_versions" ADD CONSTRAINT "library_query_versions_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "library_queries_org_name_key" ON "library_queries" USING btree ("organization_id",lower("name"));--> statement-breakpoint
CREATE UNIQUE INDEX "library_query_versions_key" ON "library_query_versions" USING btree ("library_query_id","version");--> statement-breakpoint
CREATE INDEX "library_query_versions_org_idx" ON "library_query_versions" USING btree ("organization_id");--> statement-breakpoint
-- hand-written below
-- A version is what apps pinned to it run: it is never edited in place (an edit adds a version).
CREATE FUNCTION "library_query_versions_immutable"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'library query versions cannot be changed; save a new version instead';
END $$;
--> statement-breakpoint
CREATE TRIGGER "library_query_versions_no_update" BEFORE UPDATE ON "library_query_versions" FOR EACH ROW EXECUTE FUNCTION "library_query_versions_immutable"();
