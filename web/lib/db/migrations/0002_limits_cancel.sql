CREATE TABLE "client_writes" (
	"client" text NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "builds" DROP CONSTRAINT "builds_status_check";--> statement-breakpoint
ALTER TABLE "builds" ADD COLUMN "client" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "builds" ADD COLUMN "errata" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "builds" ADD COLUMN "priority" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX "client_writes_client_at_idx" ON "client_writes" USING btree ("client","at");--> statement-breakpoint
CREATE INDEX "builds_client_idx" ON "builds" USING btree ("client","status");--> statement-breakpoint
ALTER TABLE "builds" ADD CONSTRAINT "builds_status_check" CHECK ("builds"."status" in ('queued', 'running', 'succeeded', 'failed', 'cancelled'));