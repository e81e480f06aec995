/**
 * The narrow port every MCU adapter implements (simulator, Janus VideoRoom, Cisco Meeting Server).
 * One factory per kind; each adapter parses its own settings with zod.
 */

export interface Dialable {
  /** Endpoint code, shown as the participant's name on the MCU. */
  code: string;
  /** SIP/H.323 address the MCU dials, when the MCU dials out. */
  dial: string | null;
}

export interface LegStatus {
  endpoint: string;
  connected: boolean;
  /** Percent of packets lost, when the MCU reports it. */
  packetLoss: number;
  jitterMs: number;
  muted: boolean;
}

export interface McuAdapter {
  readonly kind: string;
  createConference(opts: { code: string; name: string }): Promise<{ id: string }>;
  /**
   * The conference made earlier for this booking code, if the MCU still has it; null if not. The session runner
   * asks this before creating again when a creation may have happened without its id being committed (a desk
   * killed in between), so that a booking never gets two conferences. An adapter whose conference takes several
   * steps to make (CMS: a coSpace, then its call) finishes a half-made one here rather than starting another.
   */
  findConference(code: string): Promise<{ id: string } | null>;
  connect(conferenceId: string, endpoint: Dialable): Promise<void>;
  disconnect(conferenceId: string, endpoint: string): Promise<void>;
  status(conferenceId: string): Promise<LegStatus[]>;
  setLayout(conferenceId: string, layout: string): Promise<void>;
  mute(conferenceId: string, endpoint: string, muted: boolean): Promise<void>;
  startRecording(conferenceId: string): Promise<void>;
  /** Stops recording and returns where the file is, when the MCU says. */
  stopRecording(conferenceId: string): Promise<string | null>;
  /**
   * Ends the conference and frees what the MCU keeps for it. `code` is the booking's: an adapter whose conference
   * has several parts (CMS: the call and its coSpace) finds by it what a desk killed half-way through an end left.
   */
  endConference(conferenceId: string, code?: string): Promise<void>;
  close(): Promise<void>;
}

/** The MCU refused (bad room, unknown leg…): retrying will not help. */
export class McuRefusedError extends Error {
  constructor(
    readonly kind: string,
    readonly code: string | number,
    message: string,
  ) {
    super(`${kind}: ${message} (${code})`);
    this.name = "McuRefusedError";
  }
}

/** The MCU could not be reached or timed out: retrying may help. */
export class McuUnavailableError extends Error {
  constructor(
    readonly kind: string,
    message: string,
  ) {
    super(`${kind}: ${message}`);
    this.name = "McuUnavailableError";
  }
}
