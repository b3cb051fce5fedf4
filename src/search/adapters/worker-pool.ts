import { Worker } from 'node:worker_threads';
import { AppError } from '../../kernel/errors.js';

/** Message to a pool worker. */
export interface WorkerRequest<T> {
  id: number;
  payload: T;
}
/** Reply from a pool worker: the value, or the message of an error thrown while computing it. */
export type WorkerReply<R> = { id: number; ok: true; value: R } | { id: number; ok: false; error: string };

interface Task<T, R> {
  id: number;
  payload: T;
  resolve(v: R): void;
  reject(e: unknown): void;
  /** Times this task was running on a worker that died. */
  crashes: number;
}

interface Slot<T, R> {
  worker: Worker;
  /** Tasks sent to this worker and not answered yet, by id (at most IN_FLIGHT). */
  tasks: Map<number, Task<T, R>>;
}

/**
 * Tasks sent ahead to each worker. The worker runs them one after the other; having the next one already queued
 * in its port means it never waits for the main thread (busy with HTTP) to hand out work between two queries.
 */
const IN_FLIGHT = 2;

/** A task that was running on two workers that both died is not retried again (it is likely the cause). */
const MAX_TASK_CRASHES = 2;
/** Workers that die this many times in a row without answering anything mean a broken setup: stop respawning. */
const MAX_CONSECUTIVE_CRASHES = 5;

/**
 * A fixed-size pool of worker threads, up to IN_FLIGHT tasks sent to each worker (the engine inside is synchronous,
 * so they run in turn), the rest queued in order. A worker that dies (uncaught error, out of memory, terminate()) is replaced and its task is
 * retried on another worker; close() rejects queued tasks and terminates every worker.
 */
export class WorkerPool<T, R> {
  private readonly slots: Slot<T, R>[] = [];
  private readonly queue: Task<T, R>[] = [];
  private nextId = 1;
  private closed = false;
  private consecutiveCrashes = 0;
  /** Workers replaced after dying (for health reporting and tests). */
  respawns = 0;

  /**
   * @param decode turns a worker's reply value into the result (e.g. JSON.parse when workers send JSON text).
   */
  constructor(
    private readonly entry: URL,
    size: number,
    private readonly workerData: unknown,
    private readonly decode: (value: unknown) => R = (v) => v as R,
  ) {
    for (let i = 0; i < size; i++) this.slots.push(this.spawn());
  }

  /** The live workers (for health checks and tests). */
  get workers(): readonly Worker[] {
    return this.slots.map((s) => s.worker);
  }

  /** Runs one task on the next free worker. */
  run(payload: T): Promise<R> {
    if (this.closed) return Promise.reject(new AppError('internal_error', 'search pool is closed'));
    if (this.consecutiveCrashes >= MAX_CONSECUTIVE_CRASHES) {
      return Promise.reject(new AppError('internal_error', 'search workers keep crashing'));
    }
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ id: this.nextId++, payload, resolve, reject, crashes: 0 });
      this.dispatch();
    });
  }

  /** Rejects queued tasks, waits for nothing, terminates every worker. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const err = new AppError('internal_error', 'search pool is closed');
    for (const t of this.queue.splice(0)) t.reject(err);
    await Promise.all(
      this.slots.map(async (s) => {
        for (const t of s.tasks.values()) t.reject(err);
        s.tasks.clear();
        await s.worker.terminate();
      }),
    );
  }

  private spawn(): Slot<T, R> {
    const worker = new Worker(this.entry, { workerData: this.workerData });
    const slot: Slot<T, R> = { worker, tasks: new Map() };
    worker.on('message', (reply: WorkerReply<unknown>) => {
      const task = slot.tasks.get(reply.id);
      if (!task) return;
      slot.tasks.delete(reply.id);
      this.consecutiveCrashes = 0;
      if (!reply.ok) task.reject(new AppError('internal_error', `search failed: ${reply.error}`));
      else {
        try {
          task.resolve(this.decode(reply.value));
        } catch (e) {
          task.reject(e);
        }
      }
      this.dispatch();
    });
    // 'error' is followed by 'exit'; the exit handler does the work. Listening here keeps it from being thrown.
    worker.on('error', () => {});
    worker.on('exit', () => this.onExit(slot));
    return slot;
  }

  private onExit(slot: Slot<T, R>): void {
    if (this.closed) return;
    const index = this.slots.indexOf(slot);
    if (index < 0) return;
    this.consecutiveCrashes++;
    this.respawns++;
    const tasks = [...slot.tasks.values()];
    slot.tasks.clear();
    if (this.consecutiveCrashes >= MAX_CONSECUTIVE_CRASHES) {
      // Broken setup (missing file, bad build): fail fast instead of spinning.
      const err = new AppError('internal_error', 'search workers keep crashing');
      for (const t of [...tasks, ...this.queue.splice(0)]) t.reject(err);
      this.slots.splice(index, 1);
      return;
    }
    this.slots[index] = this.spawn();
    // Retry what the dead worker held, in the original order, ahead of newer tasks.
    for (const task of tasks.reverse()) {
      task.crashes++;
      if (task.crashes >= MAX_TASK_CRASHES) task.reject(new AppError('internal_error', 'search worker crashed'));
      else this.queue.unshift(task);
    }
    this.dispatch();
  }

  /** Hands queued tasks to the least-loaded workers. */
  private dispatch(): void {
    while (this.queue.length) {
      let best: Slot<T, R> | null = null;
      for (const slot of this.slots) if (slot.tasks.size < IN_FLIGHT && (!best || slot.tasks.size < best.tasks.size)) best = slot;
      if (!best) return;
      const task = this.queue.shift()!;
      best.tasks.set(task.id, task);
      best.worker.postMessage({ id: task.id, payload: task.payload } satisfies WorkerRequest<T>);
    }
  }
}
