import { randomBytes, randomInt } from "node:crypto";
import { Telegraf } from "telegraf";
import { describe, expect, it } from "vitest";
import { Pacer } from "../src/bot/pacing.js";
import { telegramTransport } from "../src/bot/telegram/adapter.js";
import { at, sampleDirectory } from "./helpers.js";
import { burstArrivals, deliverRound, reportInGroup } from "./support/burst.js";
import { liveSessionScene } from "./support/burst-scene.js";
import { FakeTelegram } from "./support/fake-telegram.js";

const GROUP = "-100200";
const people = sampleDirectory.people;
const KHANH = people.find((p) => p.name === "Đỗ Văn Khánh" && p.role === "wan-duty")!;
const communes = sampleDirectory.endpoints
  .filter((e) => e.level === "commune" && !["CX-00008", "CX-00025"].includes(e.code))
  .map((e) => e.code);
const tech = (ep: string) => people.find((p) => p.endpoint === ep && p.role === "technician")!;
const faults = ["mất tiếng", "mất hình", "rớt mạng", "mất điện", "codec treo máy"];

describe("an MCU drop during a 600-report burst", () => {
  it("reaches the WAN duty's private chat within 10 s of virtual time, with no platform limit exceeded", async () => {
    // Thursday 10/12/2026: Khánh is on WAN duty all day, and has a private chat with the bot.
    const { desk, mcu, runner, clock } = await liveSessionScene(KHANH);
    const t0 = at("2026-12-10", "09:01").getTime();

    const token = `${randomInt(1_000_000, 9_999_999)}:${randomBytes(18).toString("base64url")}`;
    const fake = new FakeTelegram(token, { clock: () => clock.now });
    await fake.start();
    try {
      const transport = telegramTransport(new Telegraf(token, { telegram: { apiRoot: fake.url } }), GROUP);
      const pacer = new Pacer();
      const n = 600;
      const arrivals = burstArrivals(n, t0, communes, faults);
      const dropAt = t0 + 30_000;
      let dropped = false;
      let next = 0;
      const arrive = async (until: number) => {
        if (!dropped && until >= dropAt) {
          dropped = true;
          // The leg of CX-00025 drops; the session runner's next reading raises the incident.
          mcu.drop(mcu.conferenceIds()[0]!, "CX-00025");
          await runner.tick(new Date(dropAt));
        }
        while (next < arrivals.length && arrivals[next]!.at <= until) {
          const a = arrivals[next++]!;
          await reportInGroup(desk, fake, GROUP, tech(a.ep).telegramId!, a.text, a.at);
        }
      };
      clock.now = t0;
      for (let round = 0; round < 400 && clock.now < t0 + 240_000; round++) {
        await arrive(clock.now);
        await deliverRound(desk.store, transport, pacer, clock, arrive);
        clock.now += 1000;
      }
      expect(next).toBe(n);
      const drop = (await desk.store.read((r) => r.incidents.list())).find((i) => i.reporter === "system");
      expect(drop).toMatchObject({ endpoint: "CX-00025", route: "wan", booking: "HTT-2026-0001" });
      const direct = fake.sent.filter((m) => m.chat_id === KHANH.telegramId && m.text.includes(drop!.code));
      expect(direct.length).toBeGreaterThan(0);
      expect(direct[0]!.text).toContain(
        `[Trực ban WAN] Sự cố ${drop!.code} (đường truyền): điểm cầu CX-00025 mất kết nối`,
      );
      expect(direct[0]!.at - dropAt).toBeLessThanOrEqual(10_000);
      // The desk notice went privately, not to the group (which keeps the public status).
      expect(fake.sent.filter((m) => m.chat_id === GROUP && m.text.includes("[Trực ban WAN]"))).toEqual([]);
      expect(fake.tooMany).toEqual([]);
    } finally {
      await fake.stop();
    }
  }, 300_000);
});
