import { defineConfig } from "drizzle-kit";

// The PostgreSQL schema (issue 12): `npx drizzle-kit generate --config drizzle-pg.config.ts --name NAME`.
// Hand-written migrations (triggers) are made with `--custom` and kept when regenerating.
export default defineConfig({
  dialect: "postgresql",
  schema: "./src/store/pg/schema.ts",
  out: "./drizzle-pg",
});
