/** The clock is a port so that lifecycle and tests can use a fake one. Times are UTC ISO strings. */
export interface Clock {
  now(): Date;
}
export const systemClock: Clock = { now: () => new Date() };
/** A settable clock for tests. */
export class FakeClock implements Clock {
  constructor(private t: Date) {}
  now(): Date {
    return new Date(this.t);
  }
  set(t: Date | string): void {
    this.t = new Date(t);
  }
}
/** Today's calendar date (UTC) as YYYY-MM-DD. */
export function today(clock: Clock): string {
  return clock.now().toISOString().slice(0, 10);
}
