import cliProgress from 'cli-progress';

/** Reports progress of a long import: a live bar on a terminal, a plain line every few seconds in logs and CI. */
export interface Progress {
  update(done: number, total?: number): void;
  stop(): void;
}

/** Where progress goes: a writable stream and whether it is a terminal. */
export interface ProgressSink {
  stream: NodeJS.WritableStream;
  isTTY: boolean;
  /** Milliseconds between plain lines when not on a terminal. */
  intervalMs?: number;
  /** Time source for throttling plain lines (Date.now by default). */
  now?: () => number;
}

/** A progress reporter labelled with the importer's name; a no-op when `sink` is null (e.g. --json). */
export function createProgress(label: string, sink: ProgressSink | null): Progress {
  if (!sink) return { update() {}, stop() {} };
  if (sink.isTTY) return barProgress(label, sink.stream);
  return lineProgress(label, sink);
}

function barProgress(label: string, stream: NodeJS.WritableStream): Progress {
  let bar: cliProgress.SingleBar | null = null;
  let knownTotal: number | undefined;
  return {
    update(done, total) {
      if (!bar) {
        // The total of some sources (a folder walk, an archive) is unknown until the end: show the count alone.
        const format = total ? `${label} [{bar}] {percentage}% {value}/{total} ETA {eta_formatted}` : `${label} {value} records`;
        bar = new cliProgress.SingleBar({ format, stream, hideCursor: true, clearOnComplete: false }, cliProgress.Presets.shades_classic);
        bar.start(total ?? 0, done);
        knownTotal = total;
      }
      if (total && total !== knownTotal) {
        bar.setTotal(total);
        knownTotal = total;
      }
      bar.update(done);
    },
    stop() {
      bar?.stop();
      bar = null;
    },
  };
}

function lineProgress(label: string, sink: ProgressSink): Progress {
  const now = sink.now ?? Date.now;
  const every = sink.intervalMs ?? 5000;
  let last = now();
  let latest: { done: number; total?: number } | null = null;
  const write = (done: number, total?: number) =>
    sink.stream.write(`${label}: ${done}${total ? `/${total} (${Math.floor((done / total) * 100)}%)` : ''}\n`);
  return {
    update(done, total) {
      latest = { done, total };
      const t = now();
      if (t - last >= every) {
        last = t;
        write(done, total);
      }
    },
    stop() {
      if (latest) write(latest.done, latest.total);
      latest = null;
    },
  };
}
