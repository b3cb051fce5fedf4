// Child process of crash.test.ts: opens the COMPILED services (dist/, built by `npx tsc -p tsconfig.build.json`)
// on the given SQLite file and publishes one bulletin, so the parent can SIGKILL it mid-transaction.
//
//   node test/bulletins/crash-child.mjs <db file> <bulletin id> <version> <mode> [pause index]
//
// Modes: 'pause'   — stop inside the publication transaction after item <pause index> (test-only hook
//                    BulletinService.testHooks.afterStep), print PAUSED, wait to be killed;
//        'random'  — print READY and publish at full speed (the parent kills at a random moment);
//        'finish'  — publish, print PUBLISHED, wait to be killed (a kill after commit must lose nothing).
import { openServices } from '../../dist/app/container.js';
import { FakeClock } from '../../dist/kernel/clock.js';
import { loadConfig } from '../../dist/kernel/config.js';

const [db, bulletinId, version, mode, pauseAt] = process.argv.slice(2);
const keepAlive = () => setInterval(() => undefined, 60_000);
const config = loadConfig({ STDHUB_DB: db, SEARCH_WORKERS: '0', STDHUB_DEMO: 'off', LOG_LEVEL: 'silent' });
const services = await openServices(config, { clock: new FakeClock(new Date('2026-11-25T00:00:00Z')) });
const editor = { kind: 'user', userId: 'crash-editor', name: 'Crash', grants: [{ role: 'editor', scope: { kind: 'publisher', id: 'SAC' } }] };

if (mode === 'pause') {
  services.bulletins.testHooks.afterStep = async (i) => {
    if (i !== Number(pauseAt)) return;
    process.stdout.write(`PAUSED ${i}\n`);
    keepAlive();
    await new Promise(() => undefined); // the transaction stays open until the parent kills us
  };
}
if (mode === 'random') process.stdout.write('READY\n');
const started = performance.now();
await services.bulletins.publish(editor, bulletinId, Number(version));
process.stdout.write(`PUBLISHED ${Math.round(performance.now() - started)}\n`);
keepAlive();
