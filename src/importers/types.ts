import type { CatalogueStore } from '../catalogue/ports.js';
import type { ClassificationStore } from '../classification/ports.js';
import type { ContentStore } from '../content/ports.js';
import type { DiagnosticLog } from '../kernel/diagnostics.js';

/** What an importer gets: stores (ports only), the diagnostic log, the actor and a progress callback. */
export interface ImportContext {
  catalogue: CatalogueStore;
  classifications: ClassificationStore;
  /** Full-text store, for importers that bring texts (sts); absent when the run has none (texts are then skipped, with a diagnostic). */
  content?: ContentStore;
  log: DiagnosticLog;
  actor: string;
  /** Report progress: done units and, when known, the total. */
  progress(done: number, total?: number): void;
}

/**
 * An importer registered by name. It reads `source` (a file, a folder, or an archive), writes one record per
 * transaction through the stores, and reports every problem to ctx.log with a location; it never throws for a
 * bad record (only for an unreadable source, which the runner turns into an 'abort' diagnostic).
 */
export interface Importer {
  name: string;
  description: string;
  /** Accepted inputs, for --help. */
  accepts: string;
  run(source: string, ctx: ImportContext): Promise<void>;
}
