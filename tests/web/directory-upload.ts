import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Hono } from "hono";
import type { WebEnv } from "../../src/web/context.js";
import { SAMPLE_DIR } from "../helpers.js";

/** The three CSV files of a directory, as the import page takes them. */
export const DIRECTORY_FILES = ["agencies.csv", "endpoints.csv", "people.csv"] as const;
export type DirectoryFiles = Record<(typeof DIRECTORY_FILES)[number], string>;
type Auth = { cookie: string; csrf: string };

/** The sample directory's CSV texts, to edit before an upload. */
export function sampleCsvs(): DirectoryFiles {
  return Object.fromEntries(
    DIRECTORY_FILES.map((f) => [f, readFileSync(join(SAMPLE_DIR, f), "utf8")]),
  ) as DirectoryFiles;
}

/** The multipart form the import page posts, with the session's CSRF header (htmx sends it). */
export function upload(files: Record<string, string>, auth: Auth) {
  const form = new FormData();
  for (const [name, text] of Object.entries(files))
    form.append(name, new File([text], name, { type: "text/csv" }));
  return { method: "POST", body: form, headers: { cookie: auth.cookie, "x-csrf-token": auth.csrf } };
}

/** The import token a preview page carries; throws when the preview offers no confirmation. */
export function importToken(html: string): string {
  const token = /name="token" value="([0-9a-f]+)"/.exec(html)?.[1];
  if (!token) throw new Error("the preview has no confirm form");
  return token;
}

/**
 * Press «Xác nhận nhập» on a preview page, as the admin whose session showed it; `ticked` are the form's boxes
 * ticked (`{ "toi-hieu": "1" }`).
 */
export function confirmImport(
  app: Hono<WebEnv>,
  html: string,
  auth: Auth,
  ticked: Record<string, string> = {},
) {
  return app.request("/danh-ba/nhap/xac-nhan", {
    method: "POST",
    body: new URLSearchParams({ token: importToken(html), _csrf: auth.csrf, ...ticked }),
    headers: { cookie: auth.cookie },
  });
}
