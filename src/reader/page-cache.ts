/**
 * A small in-memory cache of rendered reader pages. A stored text only changes when it is re-imported, so a page
 * is keyed by everything it is rendered from that can change (the text's doc ids and update times, the
 * disclosure setting and its time, the interface language, the view); entries also expire after a TTL so that
 * catalogue changes (cross-links to other standards, the record's title) show within a minute. Bounded by entry
 * count and total bytes; least recently used entries go first.
 */
export class PageCache {
  private readonly map = new Map<string, { body: string; at: number }>();
  private bytes = 0;

  constructor(
    private readonly opts: { maxEntries: number; maxBytes: number; ttlMs: number; now: () => number },
  ) {}

  get(key: string): string | undefined {
    const e = this.map.get(key);
    if (!e) return undefined;
    if (this.opts.now() - e.at > this.opts.ttlMs) {
      this.delete(key);
      return undefined;
    }
    // Refresh recency.
    this.map.delete(key);
    this.map.set(key, e);
    return e.body;
  }

  set(key: string, body: string): void {
    if (body.length * 2 > this.opts.maxBytes) return;
    this.delete(key);
    this.map.set(key, { body, at: this.opts.now() });
    this.bytes += body.length * 2;
    for (const k of this.map.keys()) {
      if (this.map.size <= this.opts.maxEntries && this.bytes <= this.opts.maxBytes) break;
      this.delete(k);
    }
  }

  get size(): number {
    return this.map.size;
  }

  private delete(key: string): void {
    const e = this.map.get(key);
    if (!e) return;
    this.bytes -= e.body.length * 2;
    this.map.delete(key);
  }
}
