/**
 * A polling loop that never overlaps itself: `work` runs every `intervalMs`, at once after `kick()`, and again
 * without waiting when it returns `true` (there is more). Errors are logged, never thrown: the loop survives them.
 */
export class PollingWorker {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> = Promise.resolve();
  private stopped = false;
  /** A kick arrived while `work` ran: run again at once, whatever that run re-armed. */
  private kicked = false;

  constructor(
    private readonly name: string,
    private readonly intervalMs: number,
    private readonly work: () => Promise<unknown>,
    private readonly log: (event: string, fields?: Record<string, unknown>) => void,
  ) {}

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  kick(): void {
    if (this.stopped) return;
    this.kicked = true;
    this.schedule(0);
  }

  private schedule(delay: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.running = this.running.then(async () => {
        let again = false;
        this.kicked = false;
        try {
          again = (await this.work()) === true;
        } catch (err) {
          this.log(`${this.name}-error`, { message: (err as Error).message });
        }
        if (!this.stopped) this.schedule(again || this.kicked ? 0 : this.intervalMs);
      });
    }, delay);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }
}
