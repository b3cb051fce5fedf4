import { parentPort, workerData } from 'node:worker_threads';
import { openSqlite } from '../../db/sqlite.js';
import type { WorkerReply, WorkerRequest } from '../adapters/worker-pool.js';
import { ClauseSearchEngine } from './engine.js';
import type { ClauseQuery } from './ports.js';

/**
 * Worker-thread entry of the clause search pool: one read-only connection, one engine, one query at a time (the
 * catalogue's WorkerPool drives it). Loaded from the compiled file (dist/search/clause/worker.js) only.
 */
const { path } = workerData as { path: string };
const db = openSqlite(path, { readonly: true });
const engine = new ClauseSearchEngine(db);
engine.warm();

parentPort!.on('message', (msg: WorkerRequest<ClauseQuery>) => {
  let reply: WorkerReply<unknown>;
  try {
    reply = { id: msg.id, ok: true, value: engine.search(msg.payload) };
  } catch (e) {
    reply = { id: msg.id, ok: false, error: e instanceof Error ? e.message : String(e) };
  }
  parentPort!.postMessage(reply);
});
