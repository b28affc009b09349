-- A measurement bound to a derived tag (ADR 0044): derived_tag_id names a derived tag of the same
-- tenant, and deleting the derived tag unbinds the measurement and keeps it, as deleting a tag does
-- (ON DELETE SET NULL of derived_tag_id alone, which drizzle's schema cannot say). A measurement
-- reads a tag or a derived tag, never both.
ALTER TABLE asset_measurements ADD CONSTRAINT asset_measurements_derived_tag_fk
  FOREIGN KEY (tenant_id, derived_tag_id) REFERENCES derived_tags (tenant_id, id) ON DELETE SET NULL (derived_tag_id);
--> statement-breakpoint
ALTER TABLE asset_measurements ADD CONSTRAINT asset_measurements_one_source_check
  CHECK (tag_id IS NULL OR derived_tag_id IS NULL);
