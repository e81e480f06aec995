import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { inOfficialDomains } from "../../src/app/directory/mailbox-changes.js";
import { at, SAMPLE_DIR, sampleDirectory, tempDir } from "../helpers.js";
import { cliHere } from "../support/cli-here.js";
import { copySample, edit } from "../support/directory-csv.js";
import { confirmImport, sampleCsvs, upload } from "../web/directory-upload.js";
import { login, webDesk } from "../web/support.js";

/**
 * Threat: a directory import (web or CLI) gives an agency an official mailbox outside DESK_OFFICIAL_DOMAINS, a
 * private «@gmail.com» or a look-alike «hanoi.gov.vn.attacker.example». From then on mail from it books, changes
 * and cancels the agency's sessions. It was accepted without a word: the preview listed it among the changes like
 * any other address, the CLI said nothing, and a first import (no change to show) named it nowhere. Decision:
 * accepted (a security or military body may use its own domain) but named with a warning in the web preview, the
 * CLI's answer and the desk's notice.
 */

const NOW = at("2026-12-08", "08:00");
const PRIVATE = "vanthu.so.rieng@gmail.com";
const agency = sampleDirectory.agencies.find((a) => a.mailboxes.length === 1 && a.name.startsWith("Sở"))!;
const old = agency.mailboxes[0]!;

describe("an official mailbox outside DESK_OFFICIAL_DOMAINS", () => {
  it("reads a subdomain of an official domain as inside, a look-alike as outside", () => {
    const domains = ["hanoi.gov.vn"];
    expect(inOfficialDomains("vanthu@hanoi.gov.vn", domains)).toBe(true);
    expect(inOfficialDomains("VanThu@SoTC.Hanoi.gov.vn", domains)).toBe(true);
    expect(inOfficialDomains("x@hanoi.gov.vn.attacker.example", domains)).toBe(false);
    expect(inOfficialDomains("x@evilhanoi.gov.vn", domains)).toBe(false);
    expect(inOfficialDomains("x@gmail.com", domains)).toBe(false);
  });

  it("web: the preview warns and names it; the desk's notice marks it once imported", async () => {
    const { desk, app } = await webDesk({ now: () => NOW });
    const admin = await login(app, "admin");
    const files = sampleCsvs();
    files["agencies.csv"] = files["agencies.csv"].replace(old, `${old}|${PRIVATE}`);

    const res = await app.request("/danh-ba/nhap", upload(files, admin));
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("ngoài miền thư công vụ (hanoi.gov.vn)");
    const warning = html.slice(html.indexOf("ngoài miền thư công vụ"));
    expect(warning).toContain(agency.name);
    expect(warning).toContain(PRIVATE);
    expect(warning).toContain("thêm mới");
    const ok = await confirmImport(app, html, admin);
    expect(ok.status).toBe(303);
    const notices = (await desk.store.read((r) => r.outbox.list())).filter(
      (m) => m.kind === "directory-mailboxes",
    );
    expect(notices).toHaveLength(1);
    const text = String(notices[0]!.payload.text);
    expect(text).toContain(`${PRIVATE} (NGOÀI miền thư công vụ hanoi.gov.vn)`);
    expect(text).toContain("xác minh với cơ quan");
  });

  it("web: a directory whose mailboxes are all official shows no such warning", async () => {
    const { app } = await webDesk({ now: () => NOW });
    const admin = await login(app, "admin");
    const files = sampleCsvs();
    const html = await (await app.request("/danh-ba/nhap", upload(files, admin))).text();
    expect(html).not.toContain("ngoài miền thư công vụ");
  });

  it("CLI: the import's answer names it, on the first import as on later ones", async () => {
    const dir = copySample();
    edit(dir, "agencies.csv", (t) => t.replace(old, PRIVATE));
    const db = join(tempDir(), "d.db");
    const first = await cliHere(["directory", "import", dir], { DESK_DB: db }, NOW);
    expect(first.error).toBeNull();
    expect(first.out).toContain("Cảnh báo: 1 hòm thư công vụ nằm ngoài miền thư công vụ (hanoi.gov.vn)");
    expect(first.out).toContain(`- ${agency.name}: ${PRIVATE} (mới)`);
    const again = await cliHere(["directory", "import", dir], { DESK_DB: db }, NOW);
    expect(again.out).toContain(`- ${agency.name}: ${PRIVATE}\n`);
    const clean = await cliHere(["directory", "import", SAMPLE_DIR], { DESK_DB: db }, NOW);
    expect(clean.out).not.toContain("ngoài miền");
  });
});
