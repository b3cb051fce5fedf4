import { AppError } from '../kernel/errors.js';
import type { Importer } from './types.js';

const importers = new Map<string, Importer>();

/** Registers an importer under its name (called once per importer module, from importers/all.ts). */
export function registerImporter(imp: Importer): void {
  if (importers.has(imp.name)) throw new Error(`importer ${imp.name} registered twice`);
  importers.set(imp.name, imp);
}

export function getImporter(name: string): Importer {
  const imp = importers.get(name);
  if (!imp) throw new AppError('unknown_importer', `No importer named "${name}"; known: ${[...importers.keys()].join(', ')}`);
  return imp;
}

export function listImporters(): Importer[] {
  return [...importers.values()].sort((a, b) => a.name.localeCompare(b.name));
}
