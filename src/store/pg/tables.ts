import { is } from "drizzle-orm";
import { PgTable, getTableConfig as pgConfig } from "drizzle-orm/pg-core";
import { SQLiteTable, getTableConfig as sqliteConfig } from "drizzle-orm/sqlite-core";
import * as sqliteSchema from "../schema.js";
import * as pgSchema from "./schema.js";

/** Every table of a drizzle schema module, by table name. */
export function sqliteTables(): Map<string, SQLiteTable> {
  const out = new Map<string, SQLiteTable>();
  for (const v of Object.values(sqliteSchema)) if (is(v, SQLiteTable)) out.set(sqliteConfig(v).name, v);
  return out;
}

export function pgTables(): Map<string, PgTable> {
  const out = new Map<string, PgTable>();
  for (const v of Object.values(pgSchema)) if (is(v, PgTable)) out.set(pgConfig(v).name, v);
  return out;
}

/**
 * The PostgreSQL tables, parents before children (by their foreign keys), ties by name: the order in which a copy
 * inserts without breaking a reference.
 */
export function tablesInDependencyOrder(): string[] {
  const tables = pgTables();
  const parents = new Map<string, Set<string>>();
  for (const [name, t] of tables) {
    const refs = new Set<string>();
    for (const fk of pgConfig(t).foreignKeys) {
      const parent = pgConfig(fk.reference().foreignTable).name;
      if (parent !== name) refs.add(parent);
    }
    parents.set(name, refs);
  }
  const order: string[] = [];
  const placed = new Set<string>();
  while (order.length < tables.size) {
    const ready = [...tables.keys()]
      .filter((n) => !placed.has(n) && [...(parents.get(n) ?? [])].every((p) => placed.has(p)))
      .sort();
    if (ready.length === 0) throw new Error("foreign keys form a cycle");
    for (const n of ready) {
      placed.add(n);
      order.push(n);
    }
  }
  return order;
}
