import { localDateOf } from "../../core/calendar/zone.js";
import { DUTY_ROLES, hhmm } from "../../core/duty/roster.js";
import type { Repos } from "../../store/store.js";
import { DUTY_ROLE_VI, dutyText, parseRosterFile, setTodayDutyIn, unknownRosterNames } from "../duty/duty.js";
import { MAX_ROSTER_BYTES, readInputFile } from "../input-file.js";

const WEEKDAY_VI = ["", "Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật"];

export const DUTY_USAGE_CLI = `  truc                                 người trực Kỹ thuật MCU và Trực ban mạng WAN hôm nay
  truc lich                            lịch trực cả tuần
  truc nhap TỆP.csv                    nhập lịch trực tuần (cột role,weekday,from,to,person: mcu|wan, 1–7, HH:mm)
  truc doi mcu|wan TÊN                 đổi người trực hôm nay (ghi nhật ký)
  truc nhatky [--date NGÀY]            nhật ký đổi người trực trong ngày`;

/** What a duty CLI command needs: a transaction, the clock, output and the zone. */
export interface DutyCliDeps {
  tx<T>(fn: (r: Repos) => Promise<T>): Promise<T>;
  now: Date;
  out(text: string): void;
  zone: string;
  user: string;
  fail(message: string, exitCode?: number): never;
}

/** `truc …`: show, import, change and audit the duty roster. */
export async function dutyCommand(argv: string[], d: DutyCliDeps): Promise<void> {
  const [sub, ...rest] = argv;
  switch (sub) {
    case undefined:
      d.out(await d.tx((r) => dutyText(r, d.now, d.zone)));
      return;
    case "lich": {
      const shifts = await d.tx((r) => r.duty.shifts());
      if (shifts.length === 0) d.out("Chưa có lịch trực tuần. Nhập bằng: npm run cli -- truc nhap TỆP.csv");
      for (const role of DUTY_ROLES)
        for (const s of shifts.filter((x) => x.role === role).sort((a, b) => a.weekday - b.weekday))
          d.out(
            `${DUTY_ROLE_VI[role]}\t${WEEKDAY_VI[s.weekday]}\t${hhmm(s.fromMinute)}–${hhmm(s.toMinute)}\t${s.person}`,
          );
      return;
    }
    case "nhap": {
      const file = rest[0];
      if (!file) d.fail("Cách dùng: truc nhap TỆP.csv", 2);
      const { shifts, errors } = parseRosterFile(readInputFile(file, MAX_ROSTER_BYTES));
      if (errors.length) d.fail(`Lịch trực không hợp lệ, không có gì được nhập:\n${errors.join("\n")}`);
      await d.tx(async (r) => {
        const unknown = await unknownRosterNames(r, shifts);
        if (unknown.length)
          d.fail(`Lịch trực nêu người không có trong danh bạ với vai trò tương ứng: ${unknown.join(", ")}.`);
        await r.duty.replaceShifts(shifts);
      });
      d.out(`Đã nhập ${shifts.length} ca trực.`);
      return;
    }
    case "doi": {
      const [role, ...name] = rest;
      const outcome = await d.tx((r) =>
        setTodayDutyIn(r, { id: `cli:${d.user}`, channel: "cli" }, role ?? "", name.join(" "), d.now, d.zone),
      );
      if (!outcome.ok) d.fail(outcome.message, 2);
      d.out(outcome.notice);
      return;
    }
    case "nhatky": {
      const i = rest.indexOf("--date");
      const date = i >= 0 && rest[i + 1] ? rest[i + 1]! : localDateOf(d.now, d.zone);
      const rows = await d.tx((r) => r.duty.overrides(date));
      if (rows.length === 0) d.out(`Không có thay đổi người trực ngày ${date}.`);
      for (const o of rows)
        d.out(`${o.at.toISOString()}\t${DUTY_ROLE_VI[o.role]}\t${o.person}\t${o.actor}\t${o.channel}`);
      return;
    }
    default:
      d.fail(`Lệnh «truc ${sub}» không tồn tại.\n\n${DUTY_USAGE_CLI}`, 2);
  }
}
