CREATE SCHEMA "jackson";
--> statement-breakpoint
CREATE TABLE "jackson"."store_index" (
	"namespace" text NOT NULL,
	"key" text NOT NULL,
	"index_key" text NOT NULL,
	CONSTRAINT "store_index_namespace_index_key_key_pk" PRIMARY KEY("namespace","index_key","key")
);
--> statement-breakpoint
CREATE TABLE "jackson"."store" (
	"namespace" text NOT NULL,
	"key" text NOT NULL,
	"value" text NOT NULL,
	"iv" text,
	"tag" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"modified_at" timestamp with time zone,
	"expires_at" timestamp with time zone,
	CONSTRAINT "store_namespace_key_pk" PRIMARY KEY("namespace","key")
);
--> statement-breakpoint
CREATE TABLE "sso_connections" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"jackson_client_id" text NOT NULL,
	"discovery_url" text NOT NULL,
	"client_id" text NOT NULL,
	"email_claim" text DEFAULT 'email' NOT NULL,
	"name_claim" text DEFAULT 'name' NOT NULL,
	"groups_claim" text DEFAULT 'groups' NOT NULL,
	"jit_enabled" boolean DEFAULT false NOT NULL,
	"default_group_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "sso_connections_organization_id_unique" UNIQUE("organization_id"),
	CONSTRAINT "sso_connections_jackson_client_id_unique" UNIQUE("jackson_client_id")
);
--> statement-breakpoint
CREATE TABLE "sso_group_mappings" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"connection_id" uuid NOT NULL,
	"idp_group" text NOT NULL,
	"group_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sso_identities" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"connection_id" uuid NOT NULL,
	"subject" text NOT NULL,
	"user_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_login_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "sso_connections" ADD CONSTRAINT "sso_connections_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sso_connections" ADD CONSTRAINT "sso_connections_default_group_id_permission_groups_id_fk" FOREIGN KEY ("default_group_id") REFERENCES "public"."permission_groups"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sso_group_mappings" ADD CONSTRAINT "sso_group_mappings_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sso_group_mappings" ADD CONSTRAINT "sso_group_mappings_connection_id_sso_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."sso_connections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sso_group_mappings" ADD CONSTRAINT "sso_group_mappings_group_id_permission_groups_id_fk" FOREIGN KEY ("group_id") REFERENCES "public"."permission_groups"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sso_identities" ADD CONSTRAINT "sso_identities_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sso_identities" ADD CONSTRAINT "sso_identities_connection_id_sso_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."sso_connections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sso_identities" ADD CONSTRAINT "sso_identities_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "jackson_store_index_key_idx" ON "jackson"."store_index" USING btree ("namespace","key");--> statement-breakpoint
CREATE INDEX "jackson_store_created_idx" ON "jackson"."store" USING btree ("namespace","created_at");--> statement-breakpoint
CREATE INDEX "jackson_store_expires_idx" ON "jackson"."store" USING btree ("expires_at");--> statement-breakpoint
CREATE UNIQUE INDEX "sso_group_mappings_key" ON "sso_group_mappings" USING btree ("connection_id","idp_group","group_id");--> statement-breakpoint
CREATE UNIQUE INDEX "sso_identities_org_connection_subject_key" ON "sso_identities" USING btree ("organization_id","connection_id","subject");--> statement-breakpoint
CREATE INDEX "sso_identities_user_idx" ON "sso_identities" USING btree ("user_id");--> statement-breakpoint
-- hand-written below
ALTER TABLE "jackson"."store_index" ADD CONSTRAINT "store_index_store_fk" FOREIGN KEY ("namespace","key") REFERENCES "jackson"."store"("namespace","key") ON DELETE cascade;--> statement-breakpoint
ALTER TABLE "sso_group_mappings" ADD CONSTRAINT "sso_group_mappings_idp_group_check" CHECK (length("idp_group") BETWEEN 1 AND 256);
