import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { at, SAMPLE_DIR, sampleDirectory } from "../helpers.js";
import { login, webDesk } from "../web/support.js";

/**
 * Threat: a directory import (web «Nhập danh bạ», admin only) changes an agency's official mailbox to another
 * address. From then on mail from that address books, changes and cancels the agency's sessions, and the answers
 * and the owner's copies go there, not to the agency. The preview said only which endpoints come and go, and nobody
 * but the one who imported could know: nothing recorded who changed which mailbox.
 */

const NOW = at("2026-12-08", "08:00");
const FILES = ["agencies.csv", "endpoints.csv", "people.csv"] as const;
const ATTACKER = "vanthu.soyte@hanoi-gov.vn.attacker.example";

function upload(files: Record<string, string>, auth: { cookie: string; csrf: string }) {
  const form = new FormData();
  for (const [name, text] of Object.entries(files))
    form.append(name, new File([text], name, { type: "text/csv" }));
  return { method: "POST", body: form, headers: { cookie: auth.cookie, "x-csrf-token": auth.csrf } };
}

describe("an import that changes an agency's official mailbox", () => {
  it("is shown in the preview, and told to the desk with who did it once imported", async () => {
    const { desk, app } = await webDesk({ now: () => NOW });
    const admin = await login(app, "admin");
    const files = Object.fromEntries(
      FILES.map((f) => [f, readFileSync(join(SAMPLE_DIR, f), "utf8")]),
    ) as Record<(typeof FILES)[number], string>;
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
    const token = /name="token" value="([0-9a-f]+)"/.exec(html)![1]!;

    const ok = await app.request("/danh-ba/nhap/xac-nhan", {
      method: "POST",
      body: new URLSearchParams({ token, _csrf: admin.csrf }),
      headers: { cookie: admin.cookie },
    });
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
    const files = Object.fromEntries(FILES.map((f) => [f, readFileSync(join(SAMPLE_DIR, f), "utf8")]));
    const html = await (await app.request("/danh-ba/nhap", upload(files, admin))).text();
    expect(html).not.toContain("Hòm thư công vụ thay đổi");
    const token = /name="token" value="([0-9a-f]+)"/.exec(html)![1]!;
    await app.request("/danh-ba/nhap/xac-nhan", {
      method: "POST",
      body: new URLSearchParams({ token, _csrf: admin.csrf }),
      headers: { cookie: admin.cookie },
    });
    const notices = (await desk.store.read((r) => r.outbox.list())).filter(
      (m) => m.kind === "directory-mailboxes",
    );
    expect(notices).toEqual([]);
  });
});
