import { describe, expect, it } from "vitest";
import { at, sampleDirectory } from "../helpers.js";
import { confirmImport, sampleCsvs, upload } from "../web/directory-upload.js";
import { login, webDesk } from "../web/support.js";

/**
 * Threat: a directory import (web «Nhập danh bạ», admin only) changes an agency's official mailbox to another
 * address. From then on mail from that address books, changes and cancels the agency's sessions, and the answers
 * and the owner's copies go there, not to the agency. The preview said only which endpoints come and go, and nobody
 * but the one who imported could know: nothing recorded who changed which mailbox.
 */

const NOW = at("2026-12-08", "08:00");
const ATTACKER = "vanthu.soyte@hanoi-gov.vn.attacker.example";

describe("an import that changes an agency's official mailbox", () => {
  it("is shown in the preview, and told to the desk with who did it once imported", async () => {
    const { desk, app } = await webDesk({ now: () => NOW });
    const admin = await login(app, "admin");
    const files = sampleCsvs();
    const agency = sampleDirectory.agencies.find((a) => a.mailboxes.length === 1 && a.name.startsWith("Sở"))!;
    const old = agency.mailboxes[0]!;
    files["agencies.csv"] = files["agencies.csv"].replace(old, ATTACKER);

    const res = await app.request("/danh-ba/nhap", upload(files, admin));
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("Hòm thư công vụ thay đổi");
    expect(html).toContain(agency.name);
    expect(html).toContain(ATTACKER);
    expect(html).toContain(old);
    const ok = await confirmImport(app, html, admin);
    expect(ok.status).toBe(303);
    const notices = (await desk.store.read((r) => r.outbox.list())).filter(
      (m) => m.channel === "desk" && m.kind === "directory-mailboxes",
    );
    expect(notices).toHaveLength(1);
    const text = String(notices[0]!.payload.text);
    expect(text).toContain(agency.name);
    expect(text).toContain(ATTACKER);
    expect(text).toContain(old);
    expect(text).toContain("web:"); // who: the admin's login
  });

  it("an import that keeps every mailbox tells nobody", async () => {
    const { desk, app } = await webDesk({ now: () => NOW });
    const admin = await login(app, "admin");
    const files = sampleCsvs();
    const html = await (await app.request("/danh-ba/nhap", upload(files, admin))).text();
    expect(html).not.toContain("Hòm thư công vụ thay đổi");
    await confirmImport(app, html, admin);
    const notices = (await desk.store.read((r) => r.outbox.list())).filter(
      (m) => m.kind === "directory-mailboxes",
    );
    expect(notices).toEqual([]);
  });
});
