// Progress lines with an ETA for long CLI steps. Writes to stderr so --json output stays clean,
// and only redraws in place on a terminal.
export class Progress {
  private readonly t0 = performance.now();
  private lastDraw = 0;

  constructor(
    private readonly label: string,
    private readonly total: number,
    private readonly enabled = true,
  ) {}

  update(done: number): void {
    if (!this.enabled) return;
    const now = performance.now();
    if (done < this.total && now - this.lastDraw < 200) return;
    this.lastDraw = now;
    const elapsed = (now - this.t0) / 1000;
    const frac = this.total > 0 ? done / this.total : 1;
    const eta = frac > 0 ? elapsed * (1 / frac - 1) : NaN;
    const line = `${this.label}: ${done}/${this.total} (${(100 * frac).toFixed(0)}%) ${elapsed.toFixed(1)} s elapsed${done < this.total && Number.isFinite(eta) ? `, ETA ${eta.toFixed(1)} s` : ''}`;
    if (process.stderr.isTTY) process.stderr.write(`\r${line}\x1b[K${done >= this.total ? '\n' : ''}`);
    else if (done >= this.total) process.stderr.write(`${line}\n`);
  }

  done(): void {
    this.update(this.total);
  }
}
