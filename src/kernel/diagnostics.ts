/**
 * Diagnostics are data (after Metanorma's log): every import message has an id, a severity, a category and a
 * location. An import ends with a report; nothing is dropped silently.
 */
export type Severity = 'abort' | 'serious' | 'minor' | 'info';

export interface Diagnostic {
  /** Stable message id, e.g. 'relaton.yaml_parse', 'rfc_index.bad_date'. */
  id: string;
  severity: Severity;
  category: string;
  message: string;
  /** Where: file path (relative to the import source) with line[:col], or a record id. */
  location: { file?: string; line?: number; col?: number; record?: string };
}

export interface ImportCounts {
  seen: number;
  created: number;
  updated: number;
  unchanged: number;
  failed: number;
  skipped: number;
}

export interface ImportReport {
  importer: string;
  source: string;
  startedAt: string;
  finishedAt: string;
  counts: ImportCounts;
  diagnostics: Diagnostic[];
}

/** Collects diagnostics and counts during one import run. */
export class DiagnosticLog {
  readonly items: Diagnostic[] = [];
  readonly counts: ImportCounts = { seen: 0, created: 0, updated: 0, unchanged: 0, failed: 0, skipped: 0 };

  add(d: Diagnostic): void {
    this.items.push(d);
  }
  error(id: string, message: string, location: Diagnostic['location'], category = 'import'): void {
    this.add({ id, severity: 'serious', category, message, location });
  }
  warn(id: string, message: string, location: Diagnostic['location'], category = 'import'): void {
    this.add({ id, severity: 'minor', category, message, location });
  }
  info(id: string, message: string, location: Diagnostic['location'], category = 'import'): void {
    this.add({ id, severity: 'info', category, message, location });
  }
  /** True when any record failed or the run aborted: the CLI exits non-zero. */
  get failed(): boolean {
    return this.counts.failed > 0 || this.items.some((d) => d.severity === 'abort');
  }
}

/** One line per diagnostic, for the CLI: `serious relaton.yaml_parse data/x.yaml:3:5 message`. */
export function formatDiagnostic(d: Diagnostic): string {
  const l = d.location;
  const where = l.file ? `${l.file}${l.line ? `:${l.line}${l.col ? `:${l.col}` : ''}` : ''}` : '';
  const rec = l.record ? `[${l.record}]` : '';
  return `${d.severity.padEnd(7)} ${d.id} ${[where, rec].filter(Boolean).join(' ')} ${d.message}`;
}
