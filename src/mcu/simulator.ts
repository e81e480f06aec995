import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { type Dialable, type LegStatus, type McuAdapter, McuRefusedError } from "./port.js";

export const SimulatorSettings = z.object({
  /** Where fake recordings are written. */
  recordingDir: z.string().default("var/recordings"),
});

interface SimConference {
  code: string;
  legs: Map<string, LegStatus>;
  layout: string;
  recording: boolean;
  ended: boolean;
}

/**
 * A deterministic MCU for the demo and tests. Its conferences live in this process only: a desk restarted with the
 * simulator starts with an empty MCU, so a conference made before a crash is gone with it and cannot be found (nor
 * duplicated) by the next run; `findConference` finds what this instance made. Faults are injected by hand: a dropped leg, packet loss on a leg,
 * or a dial that fails. Every call is recorded in `calls`, so a test can check what the desk asked, in order.
 */
export class SimulatorMcu implements McuAdapter {
  readonly kind = "simulator";
  readonly calls: string[] = [];
  private readonly conferences = new Map<string, SimConference>();
  private readonly dialFailures = new Set<string>();
  private seq = 0;
  private readonly recordingDir: string;

  constructor(settings: unknown = {}) {
    this.recordingDir = SimulatorSettings.parse(settings).recordingDir;
  }

  private conf(id: string): SimConference {
    const c = this.conferences.get(id);
    if (!c || c.ended) throw new McuRefusedError(this.kind, 404, `không có phòng họp ${id}`);
    return c;
  }

  private leg(id: string, endpoint: string): LegStatus {
    const l = this.conf(id).legs.get(endpoint);
    if (!l) throw new McuRefusedError(this.kind, 404, `điểm cầu ${endpoint} không ở trong phòng ${id}`);
    return l;
  }

  // Fault injection.
  failDial(endpoint: string): void {
    this.dialFailures.add(endpoint);
  }
  drop(id: string, endpoint: string): void {
    this.leg(id, endpoint).connected = false;
  }
  recover(id: string, endpoint: string): void {
    const l = this.leg(id, endpoint);
    l.connected = true;
    l.packetLoss = 0;
  }
  loss(id: string, endpoint: string, percent: number): void {
    this.leg(id, endpoint).packetLoss = percent;
  }
  conferenceIds(): string[] {
    return [...this.conferences].filter(([, c]) => !c.ended).map(([id]) => id);
  }

  async createConference(opts: { code: string; name: string }) {
    const id = `sim-${++this.seq}`;
    this.calls.push(`create ${opts.code}`);
    this.conferences.set(id, {
      code: opts.code,
      legs: new Map(),
      layout: "auto",
      recording: false,
      ended: false,
    });
    return { id };
  }
  async findConference(code: string) {
    // Not recorded in `calls`: a lookup changes nothing on the MCU.
    for (const [id, c] of this.conferences) if (c.code === code && !c.ended) return { id };
    return null;
  }
  async connect(id: string, e: Dialable) {
    this.calls.push(`connect ${e.code}`);
    const c = this.conf(id);
    if (this.dialFailures.has(e.code))
      throw new McuRefusedError(this.kind, 486, `gọi ${e.dial ?? e.code} không thành công`);
    c.legs.set(e.code, { endpoint: e.code, connected: true, packetLoss: 0, jitterMs: 8, muted: false });
  }
  async disconnect(id: string, endpoint: string) {
    this.calls.push(`disconnect ${endpoint}`);
    this.conf(id).legs.delete(endpoint);
  }
  async status(id: string) {
    return [...this.conf(id).legs.values()].map((l) => ({ ...l }));
  }
  async setLayout(id: string, layout: string) {
    this.calls.push(`layout ${layout}`);
    this.conf(id).layout = layout;
  }
  async mute(id: string, endpoint: string, muted: boolean) {
    this.calls.push(`${muted ? "mute" : "unmute"} ${endpoint}`);
    this.leg(id, endpoint).muted = muted;
  }
  async startRecording(id: string) {
    this.calls.push("record start");
    this.conf(id).recording = true;
  }
  async stopRecording(id: string) {
    this.calls.push("record stop");
    const c = this.conf(id);
    if (!c.recording) return null;
    c.recording = false;
    mkdirSync(this.recordingDir, { recursive: true });
    const file = join(this.recordingDir, `${c.code}.mp4`);
    writeFileSync(file, `bản ghi giả lập ${c.code}\n`);
    return file;
  }
  async endConference(id: string) {
    this.calls.push("end");
    this.conf(id).ended = true;
  }
  async close() {}
}
