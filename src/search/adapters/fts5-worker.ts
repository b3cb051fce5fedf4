import { parentPort, workerData } from 'node:worker_threads';
import { openSqlite } from '../../db/sqlite.js';
import type { SearchQuery } from '../ports.js';
import { SqliteSearchEngine } from './fts5-engine.js';
import type { WorkerReply, WorkerRequest } from './worker-pool.js';

/**
 * Worker-thread entry of the search pool (see worker-pool.ts): one read-only connection to the catalogue file
 * (WAL lets readers run beside the writer), one engine, one query at a time. Loaded from the compiled file
 * (dist/search/adapters/fts5-worker.js) only; see createSqliteSearch for how tests reach it.
 */
const { path } = workerData as { path: string };
const db = openSqlite(path, { readonly: true });
const engine = new SqliteSearchEngine(db);
engine.warm();

parentPort!.on('message', (msg: WorkerRequest<SearchQuery>) => {
  let reply: WorkerReply<unknown>;
  try {
    // As JSON text: the main thread (busy with HTTP) parses JSON about twice as fast as it deserialises the
    // structured clone of the same object graph, and the result is plain data (no undefined, no Dates).
    reply = { id: msg.id, ok: true, value: JSON.stringify(engine.search(msg.payload)) };
  } catch (e) {
    reply = { id: msg.id, ok: false, error: e instanceof Error ? e.message : String(e) };
  }
  parentPort!.postMessage(reply);
});
