/**
 * The editorial domain's entry point for the composition root: the use cases (drafts, texts, disclosure, publish,
 * withdraw) and bulk imports, opened over the ports of Services.
 */
import { BulkImports } from './bulk.js';
import { Editorial, type EditorialDeps } from './service.js';

/** The use cases plus bulk imports; start() (called when the web server is ready) finishes interrupted work. */
export type EditorialService = Editorial & { imports: BulkImports; start(): Promise<void> };

/** Opens the editorial use cases; call start() once at start-up to finish interrupted work. */
export function openEditorial(deps: EditorialDeps): EditorialService {
  const e = new Editorial(deps) as EditorialService;
  e.imports = new BulkImports(deps);
  e.start = async () => {
    await e.imports.markInterrupted();
    await e.resumeInterrupted();
  };
  return e;
}
