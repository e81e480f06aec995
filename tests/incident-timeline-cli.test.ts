import { describe, expect, it } from "vitest";
import { incidentTimeline } from "../src/app/incident/timeline.js";
import type { Incident } from "../src/core/incident/types.js";
import { at, makeDesk, sampleDirectory } from "./helpers.js";

describe("an incident's timeline names CLI actors", () => {
  it("as the directory person whose e-mail is the OS user's, else «Quản trị (CLI: user)»", async () => {
    const desk = await makeDesk();
    const admin = sampleDirectory.people.find((p) => p.role === "admin" && p.email)!;
    const user = admin.email!.split("@")[0]!;
    const now = at("2026-12-10", "09:00");
    const inc: Incident = {
      code: "SC-2026-0001",
      endpoint: "CX-00004",
      booking: null,
      category: "audio",
      route: "mcu",
      status: "open",
      reporter: "system",
      text: "mất tiếng",
      assignee: null,
      openedAt: now,
      updatedAt: now,
    };
    await desk.store.tx(async (r) => {
      await r.incidents.save(inc);
      await r.incidents.addEvent(inc.code, {
        at: now,
        actor: `cli:${user}`,
        channel: "cli",
        action: "nhan",
        note: null,
      });
      await r.incidents.addEvent(inc.code, {
        at: now,
        actor: "cli:root",
        channel: "cli",
        action: "ghichu",
        note: "x",
      });
    });
    const timeline = await desk.store.read((r) => incidentTimeline(r, inc));
    expect(timeline.map((e) => e.who)).toEqual([admin.name, "Quản trị (CLI: root)"]);
  });
});
