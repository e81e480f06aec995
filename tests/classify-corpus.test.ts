import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../src/app/config.js";
import { classify, type FaultCategory, routeOf } from "../src/core/incident/classify.js";
import { evaluate, parseCorpus } from "../src/core/incident/evaluate.js";

const fixtures = join(ROOT, "tests/fixtures/incidents");
const corpus = parseCorpus(readFileSync(join(fixtures, "corpus.tsv"), "utf8"));
const holdout = parseCorpus(readFileSync(join(fixtures, "holdout.tsv"), "utf8"));

/** Classes people reported wrong (issue 9), each with reports the old keyword table got wrong. */
const REPORTED_WRONG: Record<string, [string, FaultCategory][]> = {
  "UPS, lưu điện and power cuts are power": [
    ["UPS kêu bíp bíp không ngừng", "power"],
    ["lưu điện kêu to quá", "power"],
    ["bộ lưu điện báo hết pin", "power"],
    ["nhảy aptomat phòng họp", "power"],
    ["phong hop ko co dien", "power"],
    ["điện bị cắt, chưa biết khi nào có lại", "power"],
  ],
  "projectors, TVs, cameras that won't turn and broken speakers are equipment": [
    ["máy chiếu không lên", "equipment"],
    ["may chieu ko len", "equipment"],
    ["tivi không lên hình", "equipment"],
    ["tv ko len", "equipment"],
    ["camera ko xoay", "equipment"],
    ["camera không xoay được", "equipment"],
    ["loa hỏng", "equipment"],
    ["loa bị cháy", "equipment"],
  ],
  "a wrong layout and inverted or blurred video are video": [
    ["bố cục sai", "video"],
    ["layout bi sai", "video"],
    ["hình bị ngược", "video"],
    ["hinh lon nguoc", "video"],
    ["hình mờ quá", "video"],
    ["hinh bi nhoe", "video"],
  ],
  "call failed, dropping out, sound and picture lost together, a freezing link are network": [
    ["gọi không được", "network"],
    ["call failed", "network"],
    ["ko vào đc phòng", "network"],
    ["bị văng khỏi phòng", "network"],
    ["mất cả tiếng lẫn hình", "network"],
    ["mat tieng mat hinh", "network"],
    ["đứng hình liên tục", "network"],
    ["giật lag", "network"],
  ],
  "a planned check of the link and a question about it are other; a lost link said with a time is network": [
    ["kiểm tra kết nối lúc 8h", "other"],
    ["hỏi về mạng WAN", "other"],
    ["cho hỏi về mạng WAN của sở", "other"],
    ["mất kết nối mạng WAN", "network"],
    ["không kết nối được lúc 8h", "network"],
    ["kiểm tra giúp: mất tiếng", "audio"],
    ["cho hỏi sao mất mạng WAN", "network"],
  ],
  "«kết lối» (l for n) is the link, not a device's «lỗi»": [
    ["bên em đang bị mất kết lối", "network"],
    ["mat ket loi roi a", "network"],
    ["camera bị lỗi", "equipment"],
  ],
  "dropping out of the room, a call that does not go, a feed that comes and goes are network (round 14)": [
    ["rớt phòng rồi ạ", "network"],
    ["rot phong", "network"],
    ["call không được", "network"],
    ["tiếng lúc có lúc không", "network"],
    ["hinh luc co luc khong", "network"],
    ["kết quả nghiên cứu", "other"],
  ],
  "a flat battery is the mic's sound or a device, never a phone's (round 15)": [
    ["hết pin rồi ạ", "equipment"],
    ["het pin", "equipment"],
    ["mic không dây hết pin", "audio"],
    ["micro bị hết pin rồi", "audio"],
    ["điện thoại em hết pin rồi", "other"],
    ["dt e sap het pin", "other"],
  ],
  "the link said dead is the link down (round 15)": [
    ["internet cũng chết rồi", "network"],
    ["mạng chết rồi ạ", "network"],
    ["mất điện, internet cũng chết luôn", "power"],
  ],
  "a question about procedures is other": [
    ["cho hỏi thủ tục đăng ký", "other"],
    ["cho hỏi đăng ký họp có ghi hình thì làm thế nào", "other"],
    ["cho hỏi thủ tục mượn thêm loa cho hội trường", "other"],
  ],
};

describe("fault classification on reports as endpoint staff type them", () => {
  for (const [rule, cases] of Object.entries(REPORTED_WRONG)) {
    it(rule, () => {
      expect(cases.map(([text]) => [text, classify(text)])).toEqual(cases);
    });
  }

  it("network faults go to the WAN operator, the others to the MCU technician (Điều 12.2c)", () => {
    expect(routeOf(classify("bị văng khỏi phòng"))).toBe("wan");
    expect(routeOf(classify("mất cả tiếng lẫn hình"))).toBe("wan");
    expect(routeOf(classify("camera ko xoay"))).toBe("mcu");
  });

  it("two faults in one message: the cause before the symptom (power > network > equipment > audio > video)", () => {
    expect(classify("mất điện nên rớt mạng luôn")).toBe("power");
    expect(classify("rớt mạng, mic cũng không nhận")).toBe("network");
    expect(classify("mất tiếng và máy chiếu không lên")).toBe("equipment");
    expect(classify("mic không nhận, hình bị ngược")).toBe("audio");
    // Sound and picture lost together is one fault of the link, not two.
    expect(classify("mất tiếng, hình mờ")).toBe("audio");
  });

  it("the corpus is big and varied enough to measure on", () => {
    expect(corpus.length).toBeGreaterThanOrEqual(300);
    const classes = new Set(corpus.map((r) => r.expected));
    expect([...classes].sort()).toEqual(["audio", "equipment", "network", "other", "power", "video"]);
    expect(corpus.filter((r) => r.second).length).toBeGreaterThanOrEqual(20);
    expect(corpus.filter((r) => !/[^\p{ASCII}]/u.test(r.text)).length).toBeGreaterThanOrEqual(60);
  });

  it("accuracy on the corpus and on the held-out reports stays above its floor", () => {
    // The corpus tuned the classifier (100% when written): 0.95 leaves room for a few new hard cases
    // without letting a regression through. The held-out set measured 0.89 blind on 82 reports (±0.07 at
    // 95%); 0.85 is the floor below which the rules have clearly got worse.
    const dev = evaluate(corpus, classify);
    expect(
      dev.accuracy,
      dev.errors.map((x) => `${x.text}: ${x.expected} → ${x.got}`).join("\n"),
    ).toBeGreaterThanOrEqual(0.95);
    expect(dev.misrouted).toBeLessThanOrEqual(3);
    const held = evaluate(holdout, classify);
    expect(held.accuracy).toBeGreaterThanOrEqual(0.85);
  });
});
