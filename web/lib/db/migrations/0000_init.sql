CREATE TABLE "artifacts" (
	"build_id" text NOT NULL,
	"file" text NOT NULL,
	"sha256" text NOT NULL,
	"size" bigint NOT NULL,
	CONSTRAINT "artifacts_build_id_file_pk" PRIMARY KEY("build_id","file")
);
--> statement-breakpoint
CREATE TABLE "assets" (
	"sha256" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"content_type" text NOT NULL,
	"size" bigint NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "build_logs" (
	"build_id" text NOT NULL,
	"n" integer NOT NULL,
	"text" text NOT NULL,
	CONSTRAINT "build_logs_build_id_n_pk" PRIMARY KEY("build_id","n")
);
--> statement-breakpoint
CREATE TABLE "build_stages" (
	"build_id" text NOT NULL,
	"idx" integer NOT NULL,
	"name" text NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"ms" integer,
	CONSTRAINT "build_stages_build_id_idx_pk" PRIMARY KEY("build_id","idx")
);
--> statement-breakpoint
CREATE TABLE "builds" (
	"id" text PRIMARY KEY NOT NULL,
	"schematic_id" text NOT NULL,
	"lock_key" text DEFAULT '' NOT NULL,
	"lock" jsonb,
	"status" text NOT NULL,
	"error" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	CONSTRAINT "builds_status_check" CHECK ("builds"."status" in ('queued', 'running', 'succeeded', 'failed'))
);
--> statement-breakpoint
CREATE TABLE "schematics" (
	"id" text PRIMARY KEY NOT NULL,
	"spec" json NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "artifacts" ADD CONSTRAINT "artifacts_build_id_builds_id_fk" FOREIGN KEY ("build_id") REFERENCES "public"."builds"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "build_logs" ADD CONSTRAINT "build_logs_build_id_builds_id_fk" FOREIGN KEY ("build_id") REFERENCES "public"."builds"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "build_stages" ADD CONSTRAINT "build_stages_build_id_builds_id_fk" FOREIGN KEY ("build_id") REFERENCES "public"."builds"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "builds" ADD CONSTRAINT "builds_schematic_id_schematics_id_fk" FOREIGN KEY ("schematic_id") REFERENCES "public"."schematics"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "artifacts_sha256_idx" ON "artifacts" USING btree ("sha256");--> statement-breakpoint
CREATE INDEX "builds_schematic_idx" ON "builds" USING btree ("schematic_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "builds_unfinished_uq" ON "builds" USING btree ("schematic_id","lock_key") WHERE "builds"."status" in ('queued', 'running');