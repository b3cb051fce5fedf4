import type { JobLock } from './ports.js';

/**
 * The in-process JobLock: enough when one process serves the database (embedded SQLite). Several instances
 * sharing PostgreSQL need the advisory-lock adapter (src/ops) instead, which implements the same port.
 */
export class LocalJobLock implements JobLock {
  private readonly held = new Set<string>();

  async tryWithLock<T>(name: string, fn: () => Promise<T>): Promise<T | null> {
    if (this.held.has(name)) return null;
    this.held.add(name);
    try {
      return await fn();
    } finally {
      this.held.delete(name);
    }
  }
}
